import * as fs from 'fs';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { AliasDeployment } from './codedeploy';
import { checkArchitecture, existingPath, LiftArchitecture, liftOpenApi, liftPackage } from './lift-cli';
import { routeKeys } from './openapi';
import { LiftOpsDocument, metricAlarmArgs, OpsPlaceholders, parseOpsDocument, substitute, substituteDeep } from './ops';

/** Log levels lift's logger reads from LIFT_LOG_LEVEL (and Lambda's application log level). */
export type LiftLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
const LOG_LEVELS: LiftLogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** A DynamoDB table the function uses: its item actions on the table and its indexes. */
export interface LiftTableAccess {
  arn: pulumi.Input<string>;
  /** 'read': GetItem, BatchGetItem, Query, Scan, DescribeTable; 'readwrite' adds PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem. @default 'readwrite' */
  access?: 'read' | 'readwrite';
  /** Exactly these `dynamodb:` actions instead (least privilege for a known code path). */
  actions?: string[];
}

/** An SQS queue the function consumes (event source) or sends to. */
export interface LiftQueueAccess {
  arn: pulumi.Input<string>;
  access: 'consume' | 'send';
}

/** An SQS event source: partial batch responses (`batchItemFailures`) are always on. */
export interface LiftSqsSource {
  queueArn: pulumi.Input<string>;
  /** @default 10 */
  batchSize?: number;
  maximumBatchingWindowInSeconds?: number;
  /** At most this many concurrent invocations for the queue (2 to 1000). */
  maximumConcurrency?: number;
}

/** A DynamoDB stream event source, with partial batch responses. */
export interface LiftDynamoDbStreamSource {
  streamArn: pulumi.Input<string>;
  /** @default 'LATEST' */
  startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /** @default 100 */
  batchSize?: number;
  /** @default true: a failing batch is split to find the record that fails */
  bisectBatchOnFunctionError?: boolean;
  /** @default 3 */
  maximumRetryAttempts?: number;
  /** An SQS queue or SNS topic ARN that gets the records that still fail (and the role may send to it). */
  onFailureDestinationArn?: pulumi.Input<string>;
}

/** An EventBridge schedule invoking the function's alias. */
export interface LiftSchedule {
  /** A name for the rule's resources, unique in the component. */
  name: string;
  /** `rate(5 minutes)` or `cron(0 3 * * ? *)`. */
  expression: string;
  /** The event the function gets (default: EventBridge's scheduled event). */
  input?: Record<string, unknown>;
}

/** HTTP API routes taken from the function's OpenAPI document. */
export interface LiftHttpApi {
  /** An existing HTTP API to add the routes to (several functions behind one API); default: a new API with a $default stage. */
  api?: aws.apigatewayv2.Api;
  /** The OpenAPI document (object or file path); default: what `lift openapi EXECUTABLE` prints. */
  openApi?: string | Record<string, unknown>;
}

/** A case of the pre-traffic smoke hook (see examples/smoke-hook). */
export interface LiftSmokeCase {
  name: string;
  event: Record<string, unknown>;
  expect?: { statusCode?: number; bodyContains?: string };
}

/** CodeDeploy canary / linear / all-at-once traffic shifting of the `live` alias. */
export interface LiftDeployment {
  /**
   * A `CodeDeployDefault.Lambda*` configuration, with or without the prefix:
   * 'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes',
   * 'Canary10Percent30Minutes', 'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes',
   * 'Linear10PercentEvery3Minutes', 'Linear10PercentEvery10Minutes', 'AllAtOnce'.
   * @default 'Canary10Percent5Minutes'
   */
  config?: string;
  /** More CloudWatch alarm names that roll a deployment back (besides the ops alarms with rollback: true). */
  alarmNames?: pulumi.Input<string>[];
  /** The pre-traffic hook: a lift smoke-test function (its executable or zip) and its cases. */
  preTrafficHook?: {
    executable?: string;
    zip?: string;
    cases?: LiftSmokeCase[];
    /** Path of a cases file inside the hook's package (LIFT_SMOKE_CASES_FILE) instead of `cases`. */
    casesFile?: string;
  };
  /** Role the deployment step assumes to call CodeDeploy (the stage account's deploy role). */
  assumeRoleArn?: pulumi.Input<string>;
  /** @default 15 */
  pollIntervalSeconds?: number;
  /** @default 60 */
  timeoutMinutes?: number;
}

export interface LiftFunctionArgs {
  /** The function as `make build` leaves it (an executable, or a directory with a `bootstrap`), packaged by `lift package`. */
  executable?: string;
  /** A zip `lift package` already wrote, instead of `executable`. */
  zip?: string;
  /** The lift command line. @default $LIFT_CLI, else `lift` on the PATH */
  liftCli?: string;
  /** @default 'x86_64' */
  architecture?: LiftArchitecture;
  /** Keep symbols in the packaged bootstrap (`lift package --no-strip`). @default false */
  keepSymbols?: boolean;
  /** The function's name. @default Pulumi's auto-name */
  functionName?: pulumi.Input<string>;
  /** POWERTOOLS_SERVICE_NAME. @default the ops document's service, else the resource name */
  serviceName?: string;
  /** POWERTOOLS_METRICS_NAMESPACE. @default the ops document's namespace, else 'lift' */
  metricsNamespace?: string;
  /** LIFT_LOG_LEVEL and the application log level. @default 'INFO' */
  logLevel?: LiftLogLevel;
  /** @default 128 */
  memorySize?: number;
  /** Seconds. @default 10 */
  timeout?: number;
  environment?: Record<string, pulumi.Input<string>>;
  /** @default 30 */
  logRetentionInDays?: number;

  tables?: LiftTableAccess[];
  queues?: LiftQueueAccess[];
  /** SNS topic ARNs the function publishes to. */
  topics?: pulumi.Input<string>[];
  /** More IAM statements for the function's role (objects as IAM policy JSON spells them). */
  policyStatements?: pulumi.Input<Record<string, unknown>>[];

  http?: LiftHttpApi;
  sqs?: LiftSqsSource[];
  dynamoDbStreams?: LiftDynamoDbStreamSource[];
  schedules?: LiftSchedule[];

  /** The `lift ops FUNCTION --format json` document (object or file path): CloudWatch alarms and a dashboard. */
  ops?: string | LiftOpsDocument;
  /** The value of `${DeadLetterQueueName}` in the ops document's dead-letter alarms. */
  deadLetterQueueName?: pulumi.Input<string>;
  /** Actions (e.g. an SNS topic ARN) of every ops alarm, when it fires and when it recovers. */
  alarmActions?: pulumi.Input<string>[];

  deployment?: LiftDeployment;
}

const ALIAS = 'live';
// A deployment group's alarm configuration takes at most 10 alarms.
const MAX_DEPLOYMENT_ALARMS = 10;
const DEPLOYMENT_CONFIGS = [
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'AllAtOnce',
];

const DYNAMODB_READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
const DYNAMODB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];
const SQS_CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];
const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

type Statement = pulumi.Input<Record<string, unknown>>;

function allow(actions: string[], resources: pulumi.Input<string>[]): Record<string, unknown> {
  return { Effect: 'Allow', Action: actions, Resource: resources };
}

function resourceName(name: string, suffix: string): string {
  return `${name}-${suffix.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`;
}

function readJson(owner: string, what: string, file: string): unknown {
  const resolved = existingPath(owner, what, file);
  try {
    return JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (e) {
    throw new Error(`${owner}: ${what} ${file} is not JSON (${(e as Error).message})`);
  }
}

/**
 * A lift function on Lambda's `provided.al2023` runtime, with everything it runs with: its
 * package (`lift package`), a log group with retention, a role that may do only what the
 * function was given, the `live` alias every event source and route invokes, HTTP API routes
 * from its OpenAPI document, SQS / DynamoDB stream / schedule event sources, CloudWatch alarms
 * and a dashboard from `lift ops`, and CodeDeploy traffic shifting of the alias.
 */
export class LiftFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly alias: aws.lambda.Alias;
  /** The zip deployed (what `lift package` wrote, or the one given). */
  public readonly zip: string;
  public readonly api?: aws.apigatewayv2.Api;
  /** The HTTP API's URL when this component created the API. */
  public readonly url?: pulumi.Output<string>;
  /** The route keys created (`GET /todos/{id}`), from the OpenAPI document. */
  public readonly routeKeys: string[] = [];
  public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  public readonly dashboard?: aws.cloudwatch.Dashboard;
  public readonly codeDeployApplication?: aws.codedeploy.Application;
  public readonly deploymentGroup?: aws.codedeploy.DeploymentGroup;
  public readonly preTrafficHook?: LiftFunction;

  constructor(name: string, args: LiftFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lift:index:LiftFunction', name, {}, opts);
    const owner = `LiftFunction ${name}`;
    const parent = { parent: this };

    // Everything that can be wrong with the arguments is found before any resource exists.
    const architecture = checkArchitecture(owner, args.architecture ?? 'x86_64');
    const level = args.logLevel ?? 'INFO';
    if (!LOG_LEVELS.includes(level)) throw new Error(`${owner}: logLevel must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
    if ((args.executable === undefined) === (args.zip === undefined)) {
      throw new Error(`${owner}: give exactly one of executable (packaged with lift package) and zip`);
    }
    const memorySize = args.memorySize ?? 128;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) throw new Error(`${owner}: memorySize must be 128 to 10240 MB, not ${memorySize}`);
    const timeout = args.timeout ?? 10;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) throw new Error(`${owner}: timeout must be 1 to 900 seconds, not ${timeout}`);
    const liftCli = args.liftCli ?? process.env.LIFT_CLI ?? 'lift';
    const ops = args.ops === undefined ? undefined : parseOpsDocument(owner, typeof args.ops === 'string' ? readJson(owner, 'ops document', args.ops) : args.ops);
    if (ops && args.metricsNamespace !== undefined && args.metricsNamespace !== ops.namespace) {
      throw new Error(`${owner}: metricsNamespace '${args.metricsNamespace}' is not the ops document's namespace '${ops.namespace}' (the alarms would watch metrics the function never writes)`);
    }
    if (ops && args.serviceName !== undefined && args.serviceName !== ops.service) {
      throw new Error(`${owner}: serviceName '${args.serviceName}' is not the ops document's service '${ops.service}' (the alarms' service dimension)`);
    }
    const deploymentConfig = args.deployment ? deploymentConfigName(owner, args.deployment.config) : undefined;
    for (const t of args.tables ?? []) {
      if (t.access !== undefined && t.access !== 'read' && t.access !== 'readwrite') throw new Error(`${owner}: table access must be 'read' or 'readwrite', not ${JSON.stringify(t.access)}`);
      for (const a of t.actions ?? []) if (!/^dynamodb:[A-Za-z]+$/.test(a)) throw new Error(`${owner}: '${a}' is not a dynamodb: action`);
    }
    for (const q of args.queues ?? []) if (q.access !== 'consume' && q.access !== 'send') throw new Error(`${owner}: queue access must be 'consume' or 'send', not ${JSON.stringify(q.access)}`);
    const scheduleNames = new Set<string>();
    for (const s of args.schedules ?? []) {
      if (!/^(rate|cron)\(.+\)$/.test(s.expression)) throw new Error(`${owner}: schedule ${s.name}: '${s.expression}' is not rate(...) or cron(...)`);
      if (scheduleNames.has(s.name)) throw new Error(`${owner}: two schedules named ${s.name}`);
      scheduleNames.add(s.name);
    }
    if (args.deployment) {
      const rollbacks = (ops?.alarms.filter((a) => a.rollback).length ?? 0) + (args.deployment.alarmNames?.length ?? 0);
      if (rollbacks > MAX_DEPLOYMENT_ALARMS) {
        throw new Error(`${owner}: ${rollbacks} alarms would roll deployments back, CodeDeploy watches at most ${MAX_DEPLOYMENT_ALARMS} ` +
          "(give fewer alarmNames, or set rollback: false on some of the ops document's alarms)");
      }
    }
    const hookArgs = args.deployment?.preTrafficHook;
    if (hookArgs && hookArgs.cases === undefined && hookArgs.casesFile === undefined) throw new Error(`${owner}: preTrafficHook needs cases or casesFile`);
    if (ops) {
      // Every alarm converted once with stand-in values: a bad property or placeholder fails here.
      const standIn: OpsPlaceholders = { FunctionName: 'f', 'AWS::Region': 'r', DeadLetterQueueName: args.deadLetterQueueName === undefined ? undefined : 'q' };
      ops.alarms.forEach((alarm, i) => {
        const where = `alarms[${i}] (${alarm.id})`;
        metricAlarmArgs(owner, `${where}.properties`, substituteDeep(owner, `${where}.properties`, alarm.properties, standIn) as Record<string, unknown>);
      });
      if (ops.dashboard) {
        substitute(owner, 'dashboard.name', ops.dashboard.name, standIn);
        substituteDeep(owner, 'dashboard.body', ops.dashboard.body, standIn);
      }
    }
    const executable = args.executable !== undefined ? existingPath(owner, 'executable', args.executable) : undefined;
    let routes: string[] = [];
    if (args.http) {
      const given = args.http.openApi;
      const document =
        typeof given === 'string' ? readJson(owner, 'OpenAPI document', given)
        : given !== undefined ? given
        : executable !== undefined ? liftOpenApi(owner, liftCli, executable)
        : (() => { throw new Error(`${owner}: http needs openApi when the function is given as a zip (lift openapi reads the executable)`); })();
      routes = routeKeys(owner, document);
    }
    this.routeKeys = routes;
    this.zip = executable !== undefined
      ? liftPackage(owner, liftCli, executable, architecture, args.keepSymbols ?? false)
      : existingPath(owner, 'zip', args.zip as string);

    const serviceName = args.serviceName ?? ops?.service ?? name;
    const metricsNamespace = args.metricsNamespace ?? ops?.namespace ?? 'lift';

    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      namePrefix: `/aws/lambda/${name}-`,
      retentionInDays: args.logRetentionInDays ?? 30,
    }, parent);

    this.role = new aws.iam.Role(`${name}-role`, {
      description: `lift function ${name}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }, parent);

    // Least privilege: the function's own log group (what AWSLambdaBasicExecutionRole grants on
    // every log group), X-Ray (which takes no resource narrower than "*"), and what it was given.
    const statements: Statement[] = [
      allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [pulumi.interpolate`${this.logGroup.arn}:*`]),
      allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']),
    ];
    for (const t of args.tables ?? []) {
      const actions = t.actions ?? (t.access === 'read' ? DYNAMODB_READ : [...DYNAMODB_READ, ...DYNAMODB_WRITE]);
      statements.push(allow(actions, [t.arn, pulumi.interpolate`${t.arn}/index/*`]));
    }
    const consumed = [...(args.queues ?? []).filter((q) => q.access === 'consume').map((q) => q.arn), ...(args.sqs ?? []).map((s) => s.queueArn)];
    if (consumed.length > 0) statements.push(allow(SQS_CONSUME, consumed));
    const sent = (args.queues ?? []).filter((q) => q.access === 'send').map((q) => q.arn);
    if (sent.length > 0) statements.push(allow(['sqs:SendMessage', 'sqs:GetQueueAttributes'], sent));
    if ((args.topics ?? []).length > 0) statements.push(allow(['sns:Publish'], args.topics as pulumi.Input<string>[]));
    const streams = args.dynamoDbStreams ?? [];
    if (streams.length > 0) statements.push(allow(STREAM_READ, streams.map((s) => s.streamArn)));
    for (const s of streams) {
      if (s.onFailureDestinationArn !== undefined) {
        statements.push(pulumi.output(s.onFailureDestinationArn).apply((arn) =>
          /^arn:[^:]+:sns:/.test(arn) ? allow(['sns:Publish'], [arn]) : allow(['sqs:SendMessage'], [arn])));
      }
    }
    statements.push(...(args.policyStatements ?? []));
    const policy = new aws.iam.RolePolicy(`${name}-policy`, {
      role: this.role.id,
      policy: pulumi.output({ Version: '2012-10-17', Statement: statements }).apply((p) => JSON.stringify(p)),
    }, parent);

    this.function = new aws.lambda.Function(name, {
      name: args.functionName,
      description: `lift function ${serviceName}`,
      runtime: 'provided.al2023',
      handler: 'bootstrap',
      architectures: [architecture],
      code: new pulumi.asset.FileArchive(this.zip),
      role: this.role.arn,
      memorySize,
      timeout,
      publish: true,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', applicationLogLevel: level, logGroup: this.logGroup.name },
      environment: {
        variables: {
          POWERTOOLS_SERVICE_NAME: serviceName,
          POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
          LIFT_LOG_LEVEL: level,
          ...args.environment,
        },
      },
    }, { parent: this, dependsOn: [policy] });

    // With a deployment, CodeDeploy moves the alias after it is created; Pulumi must not move it back.
    this.alias = new aws.lambda.Alias(`${name}-${ALIAS}`, {
      name: ALIAS,
      functionName: this.function.name,
      functionVersion: this.function.version,
    }, { parent: this, ignoreChanges: args.deployment ? ['functionVersion', 'routingConfig'] : [] });

    if (args.http) {
      const created = args.http.api === undefined;
      const api = args.http.api ?? new aws.apigatewayv2.Api(`${name}-api`, { protocolType: 'HTTP', description: `lift function ${serviceName}` }, parent);
      this.api = api;
      const integration = new aws.apigatewayv2.Integration(`${name}-integration`, {
        apiId: api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: this.alias.arn,
        payloadFormatVersion: '2.0',
      }, parent);
      const seen = new Set<string>();
      for (const key of routes) {
        let id = resourceName(name, `route ${key}`);
        while (seen.has(id)) id += '-x';
        seen.add(id);
        new aws.apigatewayv2.Route(id, { apiId: api.id, routeKey: key, target: pulumi.interpolate`integrations/${integration.id}` }, parent);
      }
      new aws.lambda.Permission(`${name}-api-invoke`, {
        action: 'lambda:InvokeFunction',
        function: this.function.name,
        qualifier: this.alias.name,
        principal: 'apigateway.amazonaws.com',
        sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
      }, parent);
      if (created) {
        const stage = new aws.apigatewayv2.Stage(`${name}-stage`, { apiId: api.id, name: '$default', autoDeploy: true }, parent);
        this.url = stage.invokeUrl;
      }
    }

    (args.sqs ?? []).forEach((s, i) => {
      new aws.lambda.EventSourceMapping(`${name}-sqs-${i}`, {
        eventSourceArn: s.queueArn,
        functionName: this.alias.arn,
        batchSize: s.batchSize ?? 10,
        maximumBatchingWindowInSeconds: s.maximumBatchingWindowInSeconds,
        scalingConfig: s.maximumConcurrency !== undefined ? { maximumConcurrency: s.maximumConcurrency } : undefined,
        functionResponseTypes: ['ReportBatchItemFailures'],
      }, { parent: this, dependsOn: [policy] });
    });
    streams.forEach((s, i) => {
      new aws.lambda.EventSourceMapping(`${name}-stream-${i}`, {
        eventSourceArn: s.streamArn,
        functionName: this.alias.arn,
        startingPosition: s.startingPosition ?? 'LATEST',
        batchSize: s.batchSize ?? 100,
        bisectBatchOnFunctionError: s.bisectBatchOnFunctionError ?? true,
        maximumRetryAttempts: s.maximumRetryAttempts ?? 3,
        functionResponseTypes: ['ReportBatchItemFailures'],
        destinationConfig: s.onFailureDestinationArn !== undefined ? { onFailure: { destinationArn: s.onFailureDestinationArn } } : undefined,
      }, { parent: this, dependsOn: [policy] });
    });
    for (const s of args.schedules ?? []) {
      const rule = new aws.cloudwatch.EventRule(resourceName(name, `schedule ${s.name}`), {
        scheduleExpression: s.expression,
        description: `lift function ${serviceName}: ${s.name}`,
      }, parent);
      new aws.lambda.Permission(resourceName(name, `schedule ${s.name} invoke`), {
        action: 'lambda:InvokeFunction',
        function: this.function.name,
        qualifier: this.alias.name,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      }, parent);
      new aws.cloudwatch.EventTarget(resourceName(name, `schedule ${s.name} target`), {
        rule: rule.name,
        arn: this.alias.arn,
        input: s.input !== undefined ? JSON.stringify(s.input) : undefined,
      }, parent);
    }

    const rollbackAlarms: pulumi.Input<string>[] = [];
    if (ops) {
      // The region from the function's ARN: no provider call, and always the function's own.
      const placeholders: OpsPlaceholders = {
        FunctionName: this.function.name,
        'AWS::Region': this.function.arn.apply((arn) => arn.split(':')[3]),
        DeadLetterQueueName: args.deadLetterQueueName,
      };
      for (const [i, alarm] of ops.alarms.entries()) {
        const where = `alarms[${i}] (${alarm.id})`;
        const properties = substituteDeep(owner, `${where}.properties`, alarm.properties, placeholders) as Record<string, unknown>;
        const alarmArgs = metricAlarmArgs(owner, `${where}.properties`, properties) as aws.cloudwatch.MetricAlarmArgs;
        const actions = args.alarmActions ?? [];
        const withActions = (given: unknown): pulumi.Input<pulumi.Input<string>[]> | undefined =>
          actions.length === 0 ? (given as pulumi.Input<pulumi.Input<string>[]> | undefined)
          : pulumi.all([pulumi.output((given ?? []) as pulumi.Input<pulumi.Input<string>[]>), pulumi.all(actions)]).apply(([a, b]) => [...a, ...b]);
        const created = new aws.cloudwatch.MetricAlarm(`${name}-${alarm.id}`, {
          ...alarmArgs,
          alarmActions: withActions(alarmArgs.alarmActions),
          okActions: withActions(alarmArgs.okActions),
        }, parent);
        this.alarms.push(created);
        if (alarm.rollback) rollbackAlarms.push(created.name);
      }
      if (ops.dashboard) {
        const body = substituteDeep(owner, 'dashboard.body', ops.dashboard.body, placeholders) as Record<string, unknown>;
        this.dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
          dashboardName: substitute(owner, 'dashboard.name', ops.dashboard.name, placeholders),
          dashboardBody: pulumi.output(body).apply((b) => JSON.stringify(b)),
        }, parent);
      }
    }

    if (args.deployment && deploymentConfig) {
      const d = args.deployment;
      this.codeDeployApplication = new aws.codedeploy.Application(`${name}-codedeploy`, { computePlatform: 'Lambda' }, parent);
      const hook = d.preTrafficHook;
      const hookName = `${name}-pre-traffic`;
      // The group's ARN, built from its parts: the hook reports to it, and the group does not
      // need the hook (CodeDeploy learns it from each deployment's AppSpec), so no cycle.
      const groupName = `${name}-${ALIAS}`;
      const region = this.function.arn.apply((arn) => arn.split(':')[3]);
      const account = this.function.arn.apply((arn) => arn.split(':')[4]);
      const partition = this.function.arn.apply((arn) => arn.split(':')[1]);
      const groupArn = pulumi.interpolate`arn:${partition}:codedeploy:${region}:${account}:deploymentgroup:${this.codeDeployApplication.name}/${groupName}`;
      if (hook) {
        const smoke: Record<string, pulumi.Input<string>> = { LIFT_SMOKE_FUNCTION: this.function.qualifiedArn };
        if (hook.cases !== undefined) smoke.LIFT_SMOKE_CASES = JSON.stringify(hook.cases);
        else smoke.LIFT_SMOKE_CASES_FILE = hook.casesFile as string;
        this.preTrafficHook = new LiftFunction(hookName, {
          executable: hook.executable,
          zip: hook.zip,
          liftCli: args.liftCli,
          architecture,
          logLevel: level,
          timeout: 300,
          serviceName: `${serviceName}-pre-traffic`,
          metricsNamespace,
          environment: smoke,
          policyStatements: [
            allow(['lambda:InvokeFunction'], [pulumi.interpolate`${this.function.arn}:*`]),
            allow(['codedeploy:PutLifecycleEventHookExecutionStatus'], [groupArn]),
          ],
        }, parent);
      }

      const alarmNames = [...rollbackAlarms, ...(d.alarmNames ?? [])];
      const serviceRole = new aws.iam.Role(`${name}-codedeploy-role`, {
        description: `CodeDeploy traffic shifting of lift function ${name}`,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }, parent);
      // What CodeDeploy does for a Lambda deployment: read and move this alias, read the
      // alarms, invoke the hook; nothing else.
      const codeDeployStatements: Statement[] = [
        allow(['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'], [this.alias.arn]),
        allow(['lambda:GetFunction', 'lambda:GetFunctionConfiguration'], [this.function.arn, pulumi.interpolate`${this.function.arn}:*`]),
      ];
      if (alarmNames.length > 0) {
        const alarmArns = alarmNames.map((n) => pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:${n}`);
        codeDeployStatements.push(allow(['cloudwatch:DescribeAlarms'], alarmArns));
      }
      if (this.preTrafficHook) codeDeployStatements.push(allow(['lambda:InvokeFunction'], [this.preTrafficHook.function.arn]));
      const servicePolicy = new aws.iam.RolePolicy(`${name}-codedeploy-policy`, {
        role: serviceRole.id,
        policy: pulumi.output({ Version: '2012-10-17', Statement: codeDeployStatements }).apply((p) => JSON.stringify(p)),
      }, parent);
      this.deploymentGroup = new aws.codedeploy.DeploymentGroup(`${name}-deployment-group`, {
        appName: this.codeDeployApplication.name,
        deploymentGroupName: groupName,
        serviceRoleArn: serviceRole.arn,
        deploymentConfigName: deploymentConfig,
        deploymentStyle: { deploymentOption: 'WITH_TRAFFIC_CONTROL', deploymentType: 'BLUE_GREEN' },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        alarmConfiguration: alarmNames.length > 0 ? { enabled: true, alarms: alarmNames } : undefined,
      }, { parent: this, dependsOn: [servicePolicy] });

      new AliasDeployment(`${name}-traffic-shift`, {
        region,
        assumeRoleArn: d.assumeRoleArn,
        applicationName: this.codeDeployApplication.name,
        deploymentGroupName: this.deploymentGroup.deploymentGroupName,
        functionName: this.function.name,
        alias: this.alias.name,
        targetVersion: this.function.version,
        beforeAllowTraffic: this.preTrafficHook?.function.name,
        pollIntervalSeconds: d.pollIntervalSeconds ?? 15,
        timeoutMinutes: d.timeoutMinutes ?? 60,
      }, { parent: this, dependsOn: [this.deploymentGroup, ...(this.preTrafficHook ? [this.preTrafficHook] : [])] });
    }

    this.registerOutputs({
      functionName: this.function.name,
      functionArn: this.function.arn,
      aliasArn: this.alias.arn,
      url: this.url,
    });
  }
}

function deploymentConfigName(owner: string, config: string | undefined): string {
  const short = (config ?? 'Canary10Percent5Minutes').replace(/^CodeDeployDefault\.Lambda/, '');
  if (!DEPLOYMENT_CONFIGS.includes(short)) {
    throw new Error(`${owner}: deployment config ${JSON.stringify(config)} is not one of ${DEPLOYMENT_CONFIGS.join(', ')}`);
  }
  return `CodeDeployDefault.Lambda${short}`;
}

