// The operations of lift_dynamorm_ops_bench (bench/dynamorm/ops_bench.cpp) done with the AWS SDK
// for JavaScript v3 (`@aws-sdk/client-dynamodb`), against a DynamoDB-compatible endpoint on
// loopback (dynalite). Same table, item shape, requests, counts, rounds and output format, so
// bench/dynamorm/run_ops.sh can put the two side by side.
//
//   node bench/dynamorm/sdk_ops.mjs --endpoint http://127.0.0.1:PORT [--count 2000] [--seconds 1] [--rounds 3] [--json]
//
// The requests are the ones lift's mapper sends (`lift_dynamorm_ops_bench --show-requests`
// prints them): the same expressions, placeholders and ReturnValues. The item is turned into
// DynamoDB JSON and back by hand, as code using the low-level client does; the SDK itself
// adds nothing for that. One request in flight at a time, as in the C++ benchmark.
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const endpoint = args.endpoint ?? '';
const count = Number(args.count ?? 2000);
const seconds = Number(args.seconds ?? 1);
const rounds = Number(args.rounds ?? 3);
const json = 'json' in args;
if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
  console.error('sdk_ops: --endpoint http://127.0.0.1:PORT (loopback only)');
  process.exit(2);
}
if (!(count >= 1 && rounds >= 1 && seconds > 0)) {
  console.error('sdk_ops: --count, --rounds and --seconds must be positive');
  process.exit(2);
}

const kSeedItems = 500;
const kPartitions = 50;
const kQueryItems = 100;
const kPage = 25;
const kBatch = 25;

const client = new DynamoDBClient({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDLOCALBENCH', secretAccessKey: 'local-bench-secret' },
});
const table = `bench_ops_sdk_${process.pid}_${Math.floor(Math.random() * 100000)}`;

const padded = (n, width) => String(n).padStart(width, '0');
// RFC 3339 with 9 fraction digits, as lift writes updatedAt.
const stamp = () => new Date().toISOString().replace('Z', '000000Z');

function makeOrder(pk, n) {
  return {
    pk,
    sk: `order#${padded(n, 8)}`,
    customerId: `c-${padded(n % 1000, 4)}`,
    email: `customer${n % 1000}@example.com`,
    status: 'open',
    amountCents: 1000 + (n % 90000),
    quantity: 1 + (n % 9),
    tags: new Set(['web', n % 2 === 0 ? 'priority' : 'standard']),
    version: 0,
  };
}

// The item as DynamORM stores it: version 1 on a put, updatedAt now.
function toItem(o) {
  return {
    PK: { S: o.pk },
    SK: { S: o.sk },
    amountCents: { N: String(o.amountCents) },
    customerId: { S: o.customerId },
    email: { S: o.email },
    quantity: { N: String(o.quantity) },
    status: { S: o.status },
    tags: { SS: [...o.tags].sort() },
    updatedAt: { S: stamp() },
    version: { N: String(o.version || 1) },
  };
}

function fromItem(item) {
  return {
    pk: item.PK.S,
    sk: item.SK.S,
    customerId: item.customerId.S,
    email: item.email.S,
    status: item.status.S,
    amountCents: Number(item.amountCents.N),
    quantity: Number(item.quantity.N),
    tags: new Set(item.tags.SS),
    version: Number(item.version.N),
    updatedAt: item.updatedAt.S,
  };
}

async function batchWrite(items) {
  let request = { [table]: items.map((o) => ({ PutRequest: { Item: toItem(o) } })) };
  for (let attempt = 0; ; attempt += 1) {
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: request }));
    const left = answer.UnprocessedItems ?? {};
    if (Object.keys(left).length === 0) return;
    if (attempt >= 10) throw new Error('BatchWriteItem: items still unprocessed');
    request = left;
    await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
  }
}

await client.send(new CreateTableCommand({
  TableName: table,
  AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
  BillingMode: 'PAY_PER_REQUEST',
}));
for (;;) {
  const described = await client.send(new DescribeTableCommand({ TableName: table }));
  if (described.Table?.TableStatus === 'ACTIVE') break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}

// Seed, untimed: the items GetItem and UpdateItem use, and the partition Query reads.
const seeded = [];
for (let i = 0; i < kSeedItems; i += 1) seeded.push(makeOrder(`customer#${padded(i % kPartitions, 2)}`, i));
for (let i = 0; i < seeded.length; i += kBatch) await batchWrite(seeded.slice(i, i + kBatch));
for (const o of seeded) o.version = 1;
const queried = [];
for (let i = 0; i < kQueryItems; i += 1) queried.push(makeOrder('query', i));
for (let i = 0; i < queried.length; i += kBatch) await batchWrite(queried.slice(i, i + kBatch));

let sink = 0;
const operations = [
  {
    name: 'PutItem',
    async run(i) {
      const o = makeOrder(`put#${padded(i % kPartitions, 2)}`, i);
      await client.send(new PutItemCommand({ TableName: table, Item: toItem(o) }));
      o.version = 1;
      sink += o.version;
    },
  },
  {
    name: 'GetItem',
    async run(i) {
      const o = seeded[i % kSeedItems];
      const answer = await client.send(new GetItemCommand({ TableName: table, Key: { PK: { S: o.pk }, SK: { S: o.sk } } }));
      if (!answer.Item) throw new Error('GetItem: item not found');
      sink += fromItem(answer.Item).email.length;
    },
  },
  {
    name: 'UpdateItem',
    async run(i) {
      const k = i % kSeedItems;
      const o = seeded[k];
      const answer = await client.send(new UpdateItemCommand({
        TableName: table,
        Key: { PK: { S: o.pk }, SK: { S: o.sk } },
        UpdateExpression: 'SET #n0 = :v0, #n1 = :v1 ADD #n2 :v2',
        ConditionExpression: '(attribute_exists(#n3) AND #n2 = :v3)',
        ExpressionAttributeNames: { '#n0': 'status', '#n1': 'updatedAt', '#n2': 'version', '#n3': 'PK' },
        ExpressionAttributeValues: {
          ':v0': { S: i % 2 === 0 ? 'paid' : 'shipped' },
          ':v1': { S: stamp() },
          ':v2': { N: '1' },
          ':v3': { N: String(o.version) },
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      seeded[k] = fromItem(answer.Attributes);  // the new version, for the next check
    },
  },
  {
    name: 'Query',
    async run() {
      const answer = await client.send(new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#n0 = :v0',
        Limit: kPage,
        ExpressionAttributeNames: { '#n0': 'PK' },
        ExpressionAttributeValues: { ':v0': { S: 'query' } },
      }));
      const items = answer.Items.map(fromItem);
      if (items.length !== kPage) throw new Error('Query: short page');
      sink += answer.LastEvaluatedKey ? 1 : 0;
    },
  },
  {
    name: 'BatchWriteItem',
    async run(i) {
      const items = [];
      for (let j = 0; j < kBatch; j += 1) items.push(makeOrder(`batch#${padded(i % kPartitions, 2)}`, i * kBatch + j));
      await batchWrite(items);
    },
  },
];

const stats = operations.map((op) => ({ name: op.name, rates: [], latencies: [], ops: 0, next: 0 }));
for (let round = 0; round < rounds; round += 1) {
  for (const [k, op] of operations.entries()) {
    const s = stats[k];
    const limit = BigInt(Math.round(seconds * 1e9));
    const began = process.hrtime.bigint();
    let now = began;
    let done = 0;
    while (done < count && now - began < limit) {
      const start = process.hrtime.bigint();
      await op.run(s.next);
      s.next += 1;
      now = process.hrtime.bigint();
      s.latencies.push(Number(now - start) / 1e6);
      done += 1;
    }
    const elapsed = Number(now - began) / 1e9;
    s.rates.push(elapsed > 0 ? done / elapsed : 0);
    s.ops += done;
  }
}

await client.send(new DeleteTableCommand({ TableName: table }));
client.destroy();

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? 0 : n % 2 === 1 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};
const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
const results = [];
for (const s of stats) {
  s.latencies.sort((a, b) => a - b);
  const rate = median(s.rates);
  const p50 = percentile(s.latencies, 0.5);
  const p99 = percentile(s.latencies, 0.99);
  console.log(`${s.name.padEnd(15)} ${rate.toFixed(0).padStart(9)} ops/s  p50 ${p50.toFixed(3).padStart(8)} ms  p99 ${p99.toFixed(3).padStart(8)} ms  (${rounds} rounds, ${s.ops} ops)`);
  results.push({ operation: s.name, ops_per_second: Math.round(rate), p50_ms: Number(p50.toFixed(3)), p99_ms: Number(p99.toFixed(3)), ops: s.ops });
}
if (json) console.log(JSON.stringify({ client: 'aws-sdk-js-v3', endpoint: 'http', rounds, count, seconds, operations: results }));
if (sink < 0) console.log(sink);  // keeps the results read
