// The examples as one stack: hello and todo-api behind an HTTP API, todo-api's DynamoDB table,
// and sqs-worker consuming an SQS queue (with a dead-letter queue) with partial batch responses.
//
// Inputs (environment variables first, then context from cdk.json or `-c key=value`):
//   LIFT_BUILD_DIR / liftBuildDir   the CMake build directory (default: build, from the repository root)
//   LIFT_CLI                        the lift command line (default: <build dir>/bin/lift)
//   LIFT_HELLO, LIFT_TODO_API, LIFT_SQS_WORKER, LIFT_SMOKE_HOOK   one function's executable (default: <build dir>/bin/examples/<name>)
//   LIFT_ARCH / architecture        x86_64 (default) or arm64: the functions' architecture
//   deploymentType                  todo-api's CodeDeploy traffic shifting: Canary10Percent5Minutes (default),
//                                   Linear10PercentEvery1Minute or AllAtOnce
//   liftJwtJwks, liftJwtIssuer, liftJwtAudience  todo-api's JWT settings (no auth when unset)
import * as path from 'path';
import { App, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LiftFunction, LiftLogLevel } from '../src';
// The smoke-test hook's cases (the SAM template's LIFT_SMOKE_CASES, the same).
import smokeCases from './todo-api-smoke-cases.json';

/** CodeDeploy's traffic shifting choices for todo-api, by their SAM names. */
export const DEPLOYMENT_TYPES: Record<string, codedeploy.ILambdaDeploymentConfig> = {
  Canary10Percent5Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  Linear10PercentEvery1Minute: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  AllAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
};

export interface LiftExamplesStackProps extends StackProps {
  /** The executables, as `make build` leaves them. */
  readonly executables: { readonly hello: string; readonly todoApi: string; readonly sqsWorker: string; readonly smokeHook: string };
  /** The lift command line that packages them. */
  readonly liftCli: string;
  /** @default x86_64 */
  readonly architecture?: lambda.Architecture;
  /** @default INFO */
  readonly logLevel?: LiftLogLevel;
  /** todo-api's JWT settings: LIFT_JWT_JWKS, LIFT_JWT_ISSUER, LIFT_JWT_AUDIENCE. @default no auth */
  readonly jwt?: { readonly jwks?: string; readonly issuer?: string; readonly audience?: string };
  /** todo-api's traffic shifting. @default CANARY_10PERCENT_5MINUTES */
  readonly deploymentConfig?: codedeploy.ILambdaDeploymentConfig;
}

export class LiftExamplesStack extends Stack {
  constructor(scope: Construct, id: string, props: LiftExamplesStackProps) {
    super(scope, id, props);
    const common = {
      liftCli: props.liftCli,
      architecture: props.architecture ?? lambda.Architecture.X86_64,
      logLevel: props.logLevel ?? 'INFO',
      metricsNamespace: 'LiftExamples',
    };
    const api = new HttpApi(this, 'HttpApi', { description: 'lift examples: hello and todo-api' });

    // hello: GET /hello?name=X
    const hello = new LiftFunction(this, 'Hello', { ...common, executable: props.executables.hello, serviceName: 'hello' });
    api.addRoutes({ path: '/hello', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('HelloIntegration', hello) });

    // todo-api: its table has the partition key PK and the sort key SK (strings), on demand.
    const table = new dynamodb.Table(this, 'TodoTable', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    const jwt: Record<string, string> = {};
    if (props.jwt?.jwks) jwt.LIFT_JWT_JWKS = props.jwt.jwks;
    if (props.jwt?.issuer) jwt.LIFT_JWT_ISSUER = props.jwt.issuer;
    if (props.jwt?.audience) jwt.LIFT_JWT_AUDIENCE = props.jwt.audience;
    // The pre-traffic hook: invokes the new version with each case, reports to CodeDeploy.
    const smokeHook = new LiftFunction(this, 'TodoApiSmokeHook', {
      ...common,
      executable: props.executables.smokeHook,
      serviceName: 'smoke-hook',
      timeout: Duration.seconds(60),
      environment: { LIFT_SMOKE_CASES: JSON.stringify(smokeCases) },
    });
    // todo-api ships through CodeDeploy (a canary by default) behind the hook and rolls back
    // on the alarms `lift ops` generates at synth time from its routes (the health probes'
    // latency is not the users'; GET /todos/{id} is held to 500 ms).
    const todoApi = new LiftFunction(this, 'TodoApi', {
      ...common,
      executable: props.executables.todoApi,
      serviceName: 'todo-api',
      memorySize: 256,
      environment: { TODO_TABLE: table.tableName, ...jwt },
      ops: {
        args: ['--route-p99', 'GET /health=off', '--route-p99', 'GET /health/live=off', '--route-p99', 'GET /health/ready=off',
          '--route-p99', 'GET /todos/{id}=500'],
      },
      deployment: { config: props.deploymentConfig, preHook: smokeHook },
    });
    smokeHook.addEnvironment('LIFT_SMOKE_FUNCTION', todoApi.currentVersion.functionArn);
    // Any version of todo-api (each deployment tests the one it publishes).
    smokeHook.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [`${todoApi.functionArn}:*`] }));
    // Exactly what todo-api calls, on its table only (DescribeTable: the readiness check).
    table.grant(todoApi, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query',
      'dynamodb:DescribeTable');
    // The API calls the alias CodeDeploy shifts.
    const todos = new HttpLambdaIntegration('TodoApiIntegration', todoApi.alias ?? todoApi);
    api.addRoutes({ path: '/todos', methods: [HttpMethod.GET, HttpMethod.POST], integration: todos });
    api.addRoutes({ path: '/todos/{id}', methods: [HttpMethod.GET, HttpMethod.PATCH, HttpMethod.DELETE], integration: todos });

    // sqs-worker: failed records come back in batchItemFailures; after 5 receives a message
    // goes to the dead-letter queue.
    const workerTimeout = Duration.seconds(30);
    const deadLetters = new sqs.Queue(this, 'OrdersDeadLetterQueue', { retentionPeriod: Duration.days(14), enforceSSL: true });
    const orders = new sqs.Queue(this, 'OrdersQueue', {
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
      enforceSSL: true,
    });
    const worker = new LiftFunction(this, 'SqsWorker', {
      ...common,
      executable: props.executables.sqsWorker,
      serviceName: 'sqs-worker',
      timeout: workerTimeout,
      // Its error rate, throttles and the dead-letter queue's depth (no routes: no latency alarms).
      ops: { deadLetterQueue: deadLetters },
    });
    worker.addEventSource(new SqsEventSource(orders, { batchSize: 10, reportBatchItemFailures: true }));

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    if (todoApi.ops?.dashboard) new CfnOutput(this, 'TodoApiDashboardName', { value: todoApi.ops.dashboard.ref });
    new CfnOutput(this, 'TodoTableName', { value: table.tableName });
    new CfnOutput(this, 'OrdersQueueUrl', { value: orders.queueUrl });
    new CfnOutput(this, 'OrdersDeadLetterQueueUrl', { value: deadLetters.queueUrl });
  }
}

const app = new App();
const setting = (env: string, context: string): string | undefined => process.env[env] || app.node.tryGetContext(context);
const buildDir = path.resolve(setting('LIFT_BUILD_DIR', 'liftBuildDir') ?? path.join(__dirname, '../../../../build'));
const example = (env: string, name: string): string => process.env[env] || path.join(buildDir, 'bin/examples', name);
const arch = setting('LIFT_ARCH', 'architecture') ?? 'x86_64';
function deploymentConfig(name: string): codedeploy.ILambdaDeploymentConfig {
  const config = DEPLOYMENT_TYPES[name];
  if (!config) throw new Error(`deploymentType must be one of ${Object.keys(DEPLOYMENT_TYPES).join(', ')}, not ${name}`);
  return config;
}
if (arch !== 'x86_64' && arch !== 'arm64') throw new Error(`architecture must be x86_64 or arm64, not ${arch}`);

new LiftExamplesStack(app, 'LiftExamples', {
  description: 'lift examples: hello, todo-api and sqs-worker on provided.al2023',
  liftCli: process.env.LIFT_CLI || path.join(buildDir, 'bin/lift'),
  executables: {
    hello: example('LIFT_HELLO', 'hello'),
    todoApi: example('LIFT_TODO_API', 'todo-api'),
    sqsWorker: example('LIFT_SQS_WORKER', 'sqs-worker'),
    smokeHook: example('LIFT_SMOKE_HOOK', 'smoke-hook'),
  },
  deploymentConfig: deploymentConfig(app.node.tryGetContext('deploymentType') ?? 'Canary10Percent5Minutes'),
  architecture: arch === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
  logLevel: (setting('LIFT_LOG_LEVEL', 'logLevel') as LiftLogLevel | undefined) ?? 'INFO',
  jwt: {
    jwks: app.node.tryGetContext('liftJwtJwks'),
    issuer: app.node.tryGetContext('liftJwtIssuer'),
    audience: app.node.tryGetContext('liftJwtAudience'),
  },
});
app.synth();
