// Powertools for AWS Lambda (TypeScript) on the same table as lift: the reference peer of the
// idempotency tests. Runs one idempotent handler of function AWS_LAMBDA_FUNCTION_NAME, keyed by
// the event's "order" and validated on its "payload" (eventKeyJmesPath, payloadValidationJmesPath),
// against the DynamoDB endpoint given, and prints what the handler call returned as JSON:
// {"result": ..., "ran": true|false}, or {"error": name} when Powertools refused the call.
//
//   node powertools_peer.mjs ENDPOINT TABLE EVENT_JSON
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

const [endpoint, tableName, eventJson] = process.argv.slice(2);
const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
const config = new IdempotencyConfig({ eventKeyJmesPath: 'order', payloadValidationJmesPath: 'payload' });
let ran = false;
const handler = makeIdempotent(
  async () => {
    ran = true;
    return { id: 'from-node', amount: 7 };
  },
  { persistenceStore, config },
);
const context = { getRemainingTimeInMillis: () => 5000, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, awsRequestId: 'peer' };
try {
  const result = await handler(JSON.parse(eventJson), context);
  process.stdout.write(JSON.stringify({ result, ran }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: error.name }));
}
