// The AWS SDK for JavaScript as an independent DynamoDB client, for the C++ client's tests:
//   node sdk_crosscheck.js ENDPOINT get TABLE KEY_JSON   -> prints the item in DynamoDB JSON
//   node sdk_crosscheck.js ENDPOINT put TABLE ITEM_JSON  -> writes the item
// Items are read and written in DynamoDB's wire JSON (binary as base64), so the test can
// compare them with what the C++ client sends and receives.
'use strict';
const { DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');

// Wire JSON -> SDK attribute values: only binary differs (base64 text vs bytes).
function toSdk(value) {
  const [type, inner] = Object.entries(value)[0];
  switch (type) {
    case 'B': return { B: Buffer.from(inner, 'base64') };
    case 'BS': return { BS: inner.map((b) => Buffer.from(b, 'base64')) };
    case 'L': return { L: inner.map(toSdk) };
    case 'M': return { M: mapItem(inner, toSdk) };
    default: return { [type]: inner };
  }
}

function toWire(value) {
  const [type, inner] = Object.entries(value).find(([, v]) => v !== undefined);
  switch (type) {
    case 'B': return { B: Buffer.from(inner).toString('base64') };
    case 'BS': return { BS: inner.map((b) => Buffer.from(b).toString('base64')) };
    case 'L': return { L: inner.map(toWire) };
    case 'M': return { M: mapItem(inner, toWire) };
    default: return { [type]: inner };
  }
}

function mapItem(item, convert) {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, convert(v)]));
}

async function main() {
  const [endpoint, mode, table, json] = process.argv.slice(2);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSDK', secretAccessKey: 'sdk-secret' },
  });
  if (mode === 'get') {
    const answer = await client.send(new GetItemCommand({ TableName: table, Key: mapItem(JSON.parse(json), toSdk), ConsistentRead: true }));
    process.stdout.write(JSON.stringify(answer.Item ? mapItem(answer.Item, toWire) : null));
  } else if (mode === 'put') {
    await client.send(new PutItemCommand({ TableName: table, Item: mapItem(JSON.parse(json), toSdk) }));
    process.stdout.write('ok');
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
});
