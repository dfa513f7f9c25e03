// The AWS SDK for JavaScript as an independent STS client, for the C++ client's tests:
//   node sts_crosscheck.js ENDPOINT OPERATION INPUT_JSON
// sends one call (assume-role, web-identity or caller-identity) to ENDPOINT (the tests' fake STS)
// and prints what the SDK read as JSON: Expiration as epoch milliseconds, a failure as
// {"error": NAME, "status": HTTP_STATUS}. No retries, so the fake sees exactly one request.
'use strict';
const {
  STSClient, AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand,
} = require('@aws-sdk/client-sts');

const client = (endpoint) => new STSClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSDK', secretAccessKey: 'sdk-secret' },
  maxAttempts: 1,
});

function role(out) {
  const c = out.Credentials || {};
  return {
    AccessKeyId: c.AccessKeyId,
    SecretAccessKey: c.SecretAccessKey,
    SessionToken: c.SessionToken,
    Expiration: c.Expiration instanceof Date ? c.Expiration.getTime() : c.Expiration,
    Arn: out.AssumedRoleUser && out.AssumedRoleUser.Arn,
    AssumedRoleId: out.AssumedRoleUser && out.AssumedRoleUser.AssumedRoleId,
    PackedPolicySize: out.PackedPolicySize,
    SourceIdentity: out.SourceIdentity,
    SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken,
    Audience: out.Audience,
    Provider: out.Provider,
  };
}

const operations = {
  async 'assume-role'(endpoint, input) { return role(await client(endpoint).send(new AssumeRoleCommand(input))); },
  async 'web-identity'(endpoint, input) {
    return role(await client(endpoint).send(new AssumeRoleWithWebIdentityCommand(input)));
  },
  async 'caller-identity'(endpoint) {
    const out = await client(endpoint).send(new GetCallerIdentityCommand({}));
    return { Account: out.Account, Arn: out.Arn, UserId: out.UserId };
  },
};

require('./crosscheck_main').run(operations);
