// The AWS SDK for JavaScript as an independent client of SQS, SNS, EventBridge and KMS, for the
// C++ clients' tests:
//   node clients_crosscheck.js ENDPOINT OPERATION INPUT_JSON
// sends one call to ENDPOINT (the tests' fake service) and prints what the SDK read from the
// answer as JSON: bytes as base64, and a failure as {"error": NAME, "status": HTTP_STATUS}.
// Bytes in INPUT_JSON (message attributes' BinaryValue, KMS blobs) are given as base64. No
// retries, so the fake sees exactly one request.
'use strict';
const sqs = require('@aws-sdk/client-sqs');
const sns = require('@aws-sdk/client-sns');
const eventbridge = require('@aws-sdk/client-eventbridge');
const kms = require('@aws-sdk/client-kms');
const s3 = require('@aws-sdk/client-s3');
const { S3RequestPresigner } = require('@aws-sdk/s3-request-presigner');
const crypto = require('crypto');

// SHA-256 and HMAC-SHA256 in the shape the SDK's signer takes.
class Sha256 {
  constructor(secret) { this.hash = secret ? crypto.createHmac('sha256', secret) : crypto.createHash('sha256'); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}

const config = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSDK', secretAccessKey: 'sdk-secret' },
  maxAttempts: 1,
});

const bytes = (base64) => Buffer.from(base64, 'base64');
const base64 = (value) => (value === undefined ? undefined : Buffer.from(value).toString('base64'));

// Message attributes with their binary values as Buffers (in) or base64 (out).
function attributesIn(attributes) {
  if (!attributes) return attributes;
  const out = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = { ...value };
    if (value.BinaryValue !== undefined) out[name].BinaryValue = bytes(value.BinaryValue);
  }
  return out;
}
function attributesOut(attributes) {
  if (!attributes) return attributes;
  const out = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = { DataType: value.DataType, StringValue: value.StringValue, BinaryValue: base64(value.BinaryValue) };
  }
  return out;
}
const strip = (out) => { const { $metadata, ...rest } = out; return rest; };

const operations = {
  async 'sqs-send'(endpoint, input) {
    const out = await new sqs.SQSClient(config(endpoint)).send(
      new sqs.SendMessageCommand({ ...input, MessageAttributes: attributesIn(input.MessageAttributes) }));
    return strip(out);
  },
  async 'sqs-send-batch'(endpoint, input) {
    const Entries = input.Entries.map((e) => ({ ...e, MessageAttributes: attributesIn(e.MessageAttributes) }));
    return strip(await new sqs.SQSClient(config(endpoint)).send(new sqs.SendMessageBatchCommand({ ...input, Entries })));
  },
  async 'sqs-receive'(endpoint, input) {
    const out = await new sqs.SQSClient(config(endpoint)).send(new sqs.ReceiveMessageCommand(input));
    return { Messages: (out.Messages || []).map((m) => ({ ...m, MessageAttributes: attributesOut(m.MessageAttributes) })) };
  },
  async 'sqs-delete'(endpoint, input) {
    return strip(await new sqs.SQSClient(config(endpoint)).send(new sqs.DeleteMessageCommand(input)));
  },
  async 'sqs-delete-batch'(endpoint, input) {
    return strip(await new sqs.SQSClient(config(endpoint)).send(new sqs.DeleteMessageBatchCommand(input)));
  },
  async 'sqs-visibility'(endpoint, input) {
    return strip(await new sqs.SQSClient(config(endpoint)).send(new sqs.ChangeMessageVisibilityCommand(input)));
  },
  async 'sqs-queue-url'(endpoint, input) {
    return strip(await new sqs.SQSClient(config(endpoint)).send(new sqs.GetQueueUrlCommand(input)));
  },
  async 'sns-publish'(endpoint, input) {
    return strip(await new sns.SNSClient(config(endpoint)).send(
      new sns.PublishCommand({ ...input, MessageAttributes: attributesIn(input.MessageAttributes) })));
  },
  async 'sns-publish-batch'(endpoint, input) {
    const PublishBatchRequestEntries = input.PublishBatchRequestEntries.map(
      (e) => ({ ...e, MessageAttributes: attributesIn(e.MessageAttributes) }));
    return strip(await new sns.SNSClient(config(endpoint)).send(
      new sns.PublishBatchCommand({ ...input, PublishBatchRequestEntries })));
  },
  async 'events-put'(endpoint, input) {
    const Entries = input.Entries.map((e) => ({ ...e, Time: e.Time === undefined ? undefined : new Date(e.Time * 1000) }));
    return strip(await new eventbridge.EventBridgeClient(config(endpoint)).send(new eventbridge.PutEventsCommand({ Entries })));
  },
  async 'kms-encrypt'(endpoint, input) {
    const out = await new kms.KMSClient(config(endpoint)).send(new kms.EncryptCommand({ ...input, Plaintext: bytes(input.Plaintext) }));
    return { ...strip(out), CiphertextBlob: base64(out.CiphertextBlob) };
  },
  async 'kms-decrypt'(endpoint, input) {
    const out = await new kms.KMSClient(config(endpoint)).send(
      new kms.DecryptCommand({ ...input, CiphertextBlob: bytes(input.CiphertextBlob) }));
    return { ...strip(out), Plaintext: base64(out.Plaintext) };
  },
  async 'kms-data-key'(endpoint, input) {
    const out = await new kms.KMSClient(config(endpoint)).send(new kms.GenerateDataKeyCommand(input));
    return { ...strip(out), Plaintext: base64(out.Plaintext), CiphertextBlob: base64(out.CiphertextBlob) };
  },
  async 's3-put'(endpoint, input) {
    const client = new s3.S3Client({ ...config(endpoint), forcePathStyle: true });
    return strip(await client.send(new s3.PutObjectCommand(input)));
  },
  // A streamed upload: the body a Readable of 64 KiB chunks (Pattern bytes i*7 % 251 over
  // Length), which the SDK sends aws-chunked with its checksum in a trailer.
  async 's3-put-stream'(endpoint, input) {
    const { Readable } = require('stream');
    const data = Buffer.alloc(input.Length);
    for (let i = 0; i < input.Length; ++i) data[i] = (i * 7) % 251;
    const chunks = [];
    for (let at = 0; at < data.length; at += 65536) chunks.push(data.subarray(at, at + 65536));
    const client = new s3.S3Client({ ...config(endpoint), forcePathStyle: true });
    const { Length, ...rest } = input;
    return strip(await client.send(new s3.PutObjectCommand({ ...rest, Body: Readable.from(chunks), ContentLength: Length })));
  },
  async 's3-get'(endpoint, input) {
    const client = new s3.S3Client({ ...config(endpoint), forcePathStyle: true });
    const out = await client.send(new s3.GetObjectCommand(input));
    return { Body: Buffer.from(await out.Body.transformToByteArray()).toString('base64'), ContentLength: out.ContentLength };
  },
  async 's3-list'(endpoint, input) {
    const client = new s3.S3Client({ ...config(endpoint), forcePathStyle: true });
    const out = await client.send(new s3.ListObjectsV2Command(input));
    return {
      Contents: (out.Contents || []).map((c) => ({ Key: c.Key, Size: c.Size, ETag: c.ETag })),
      CommonPrefixes: (out.CommonPrefixes || []).map((p) => p.Prefix),
      IsTruncated: out.IsTruncated, NextContinuationToken: out.NextContinuationToken,
    };
  },
  // Presigns exactly the request given (no SDK command, so no extra query parameter).
  async 's3-presign'(endpoint, input) {
    const presigner = new S3RequestPresigner({
      region: 'us-east-1', sha256: Sha256,
      credentials: { accessKeyId: input.AccessKeyId, secretAccessKey: input.SecretAccessKey },
    });
    const url = new URL(input.Url);
    const signed = await presigner.presign({
      method: input.Method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined,
      path: url.pathname, query: {}, headers: { host: url.host },
    }, { expiresIn: input.ExpiresIn, signingDate: new Date(input.SigningDate * 1000) });
    const query = Object.entries(signed.query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return { Url: `${url.protocol}//${url.host}${signed.path}?${query}`, Query: signed.query };
  },
};

require('./crosscheck_main').run(operations);
