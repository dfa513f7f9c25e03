// todo-api behind an HTTP API with its DynamoDB table, and sqs-worker consuming an SQS queue
// (with a dead-letter queue), for one stage. Each stage is a stack (Pulumi.<stage>.yaml) and
// lives in its own AWS account: every resource is created through a provider that assumes the
// stage's deploy role and refuses any other account.
//
// Stack configuration (lift-examples:KEY):
//   accountId, deployRoleArn   the stage's account and the role assumed there (required)
//   architecture               x86_64 (default) or arm64
//   logLevel                   LIFT_LOG_LEVEL and the application log level (default INFO)
//   deploymentConfig           CodeDeploy configuration (default Canary10Percent5Minutes)
//   smokeHook                  "true": the pre-traffic hook smoke-tests todo-api's new version
//   todoApiOps, sqsWorkerOps   the `lift ops --format json` documents (alarms and dashboards)
//   alarmTopicArn              an SNS topic every alarm notifies
//   buildDir                   the CMake build directory (default: the repository's build/)
// Environment, as for the CDK sample: LIFT_BUILD_DIR, LIFT_CLI, LIFT_TODO_API, LIFT_SQS_WORKER,
// LIFT_SMOKE_HOOK (one executable each).
import * as fs from 'fs';
import * as path from 'path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { LiftFunction, LiftLogLevel, LiftSmokeCase } from '../src';

const config = new pulumi.Config();
const stage = pulumi.getStack();
const accountId = config.require('accountId');
const deployRoleArn = config.require('deployRoleArn');
const region = new pulumi.Config('aws').require('region');
if (!deployRoleArn.startsWith(`arn:aws:iam::${accountId}:role/`)) {
  throw new Error(`stack ${stage}: deployRoleArn ${deployRoleArn} is not a role of account ${accountId}`);
}

// Pulumi runs the program in the project's directory (where Pulumi.yaml is); relative paths in
// the stack's configuration are relative to it.
const projectDir = process.cwd();
const fromProject = (p: string) => path.resolve(projectDir, p);
const buildDir = process.env.LIFT_BUILD_DIR || fromProject(config.get('buildDir') ?? '../../../build');
const executable = (env: string, name: string) => process.env[env] || path.join(buildDir, 'bin/examples', name);
const liftCli = process.env.LIFT_CLI || path.join(buildDir, 'bin/lift');
const architecture = (config.get('architecture') ?? 'x86_64') as 'x86_64' | 'arm64';
const logLevel = (config.get('logLevel') ?? 'INFO') as LiftLogLevel;
const deploymentConfig = config.get('deploymentConfig') ?? 'Canary10Percent5Minutes';
const alarmTopicArn = config.get('alarmTopicArn');
const opsFile = (key: string) => {
  const file = config.get(key);
  return file === undefined ? undefined : fromProject(file);
};

// The stage's account, reached through its deploy role; a stack pointed at another account fails
// before it changes anything.
const provider = new aws.Provider(`${stage}`, {
  region: region as aws.Region,
  assumeRoles: [{ roleArn: deployRoleArn, sessionName: `lift-examples-${stage}` }],
  allowedAccountIds: [accountId],
  defaultTags: { tags: { 'lift:project': 'lift-examples', 'lift:stage': stage } },
});
const inStage = { provider };

// todo-api's table: partition key PK, sort key SK (strings), kept if the stack is destroyed.
const table = new aws.dynamodb.Table('todos', {
  billingMode: 'PAY_PER_REQUEST',
  hashKey: 'PK',
  rangeKey: 'SK',
  attributes: [{ name: 'PK', type: 'S' }, { name: 'SK', type: 'S' }],
  pointInTimeRecovery: { enabled: true },
}, { ...inStage, retainOnDelete: true });

const smokeCases: LiftSmokeCase[] = JSON.parse(fs.readFileSync(path.join(projectDir, 'smoke', 'todo-api.json'), 'utf8'));
const todoApi = new LiftFunction('todo-api', {
  executable: executable('LIFT_TODO_API', 'todo-api'),
  liftCli,
  architecture,
  logLevel,
  serviceName: 'todo-api',
  metricsNamespace: 'LiftExamples',
  memorySize: 256,
  environment: { TODO_TABLE: table.name },
  // Exactly what todo-api calls (DescribeTable: the readiness check).
  tables: [{ arn: table.arn, actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:DescribeTable'] }],
  http: {},
  ops: opsFile('todoApiOps'),
  alarmActions: alarmTopicArn ? [alarmTopicArn] : undefined,
  deployment: {
    config: deploymentConfig,
    assumeRoleArn: deployRoleArn,
    preTrafficHook: config.getBoolean('smokeHook') ? { executable: executable('LIFT_SMOKE_HOOK', 'smoke-hook'), cases: smokeCases } : undefined,
  },
}, { providers: { aws: provider } });

// sqs-worker: failed records come back in batchItemFailures; after 5 receives a message goes to
// the dead-letter queue. The visibility timeout is 6 times the function's.
const workerTimeout = 30;
const deadLetters = new aws.sqs.Queue('orders-dlq', { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true }, inStage);
const orders = new aws.sqs.Queue('orders', {
  visibilityTimeoutSeconds: 6 * workerTimeout,
  redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 5 }),
  sqsManagedSseEnabled: true,
}, inStage);
const sqsWorker = new LiftFunction('sqs-worker', {
  executable: executable('LIFT_SQS_WORKER', 'sqs-worker'),
  liftCli,
  architecture,
  logLevel,
  serviceName: 'sqs-worker',
  metricsNamespace: 'LiftExamples',
  timeout: workerTimeout,
  sqs: [{ queueArn: orders.arn, batchSize: 10 }],
  ops: opsFile('sqsWorkerOps'),
  deadLetterQueueName: deadLetters.name,
  alarmActions: alarmTopicArn ? [alarmTopicArn] : undefined,
  deployment: { config: deploymentConfig, assumeRoleArn: deployRoleArn },
}, { providers: { aws: provider } });

export const apiUrl = todoApi.url;
export const todoTableName = table.name;
export const ordersQueueUrl = orders.url;
export const ordersDeadLetterQueueUrl = deadLetters.url;
export const todoApiFunction = todoApi.function.name;
export const sqsWorkerFunction = sqsWorker.function.name;
