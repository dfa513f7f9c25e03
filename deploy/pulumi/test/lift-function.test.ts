// LiftFunction under Pulumi's mocks with the built `lift` CLI and examples: the resources it
// registers and the properties that matter (runtime, architecture, the role's statements scoped
// to the ARNs given, the alias every source invokes, the HTTP API routes equal to the OpenAPI
// paths, the SQS / stream / schedule sources, the ops alarms and dashboard, the CodeDeploy
// group), and bad configuration refused with a message naming what is wrong.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { ACCOUNT, installMocks, ofType, REGION, Registered, required, settled, valueOf } from './support/mocks';

const registered = installMocks();
// Loaded after the mocks are in place.
import { LiftFunction, LiftFunctionArgs } from '../src';

const fixtures = path.join(required('LIFT_PULUMI_SOURCE'), 'test', 'fixtures');
const liftCli = required('LIFT_CLI');
const hostArch = required('LIFT_ARCH') as 'x86_64' | 'arm64';
const otherArch = hostArch === 'x86_64' ? 'arm64' : 'x86_64';
const todoApi = required('LIFT_TODO_API');
const sqsWorker = required('LIFT_SQS_WORKER');
const hookExecutable = required('LIFT_HELLO');

const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/todos`;
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`;
const OUTBOX = `arn:aws:sqs:${REGION}:${ACCOUNT}:outbox`;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:order-events`;
const STREAM = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000`;

type Statement = { Effect: string; Action: string[]; Resource: string[] };

function under(prefix: string): Registered[] {
  return registered.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));
}

function one(list: Registered[], type: string): Registered {
  const found = ofType(list, type);
  assert.equal(found.length, 1, `exactly one ${type}, got ${found.map((r) => r.name).join(', ')}`);
  return found[0];
}

function statementsOf(list: Registered[], roleName: string): Statement[] {
  const policies = ofType(list, 'aws:iam/rolePolicy:RolePolicy').filter((p) => p.inputs.role === `${roleName}-id`);
  assert.equal(policies.length, 1, `one inline policy on ${roleName}`);
  const document = JSON.parse(policies[0].inputs.policy);
  assert.equal(document.Version, '2012-10-17');
  return document.Statement;
}

function actionsOn(statements: Statement[], resource: string): string[] {
  return statements.filter((s) => s.Resource.includes(resource)).flatMap((s) => s.Action).sort();
}

/** The expected route keys, read from the OpenAPI document the executable itself prints. */
function openApiRoutes(executable: string): string[] {
  const out = spawnSync(liftCli, ['openapi', executable], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
}

test('todo-api: function, role, alias, HTTP API from OpenAPI, alarms, dashboard and CodeDeploy', async () => {
  const fn = new LiftFunction('todo', {
    executable: todoApi,
    liftCli,
    architecture: hostArch,
    logLevel: 'DEBUG',
    memorySize: 256,
    environment: { TODO_TABLE: 'todos' },
    tables: [{ arn: TABLE }],
    http: {},
    ops: path.join(fixtures, 'todo-api.ops.json'),
    deployment: {
      config: 'Linear10PercentEvery1Minute',
      alarmNames: ['shared-5xx'],
      preTrafficHook: { executable: hookExecutable, cases: [{ name: 'list', event: { rawPath: '/todos' }, expect: { statusCode: 200 } }] },
    },
  });
  const url = await valueOf(fn.url as pulumi.Output<string>);
  await settled(registered);
  assert.match(url, /^https:\/\//);
  const mine = registered.filter((r) => (r.name === 'todo' || r.name.startsWith('todo-')) && !r.name.startsWith('todo-pre-traffic'));

  // The function.
  const f = one(mine, 'aws:lambda/function:Function');
  assert.equal(f.inputs.runtime, 'provided.al2023');
  assert.equal(f.inputs.handler, 'bootstrap');
  assert.deepEqual(f.inputs.architectures, [hostArch]);
  assert.equal(f.inputs.memorySize, 256);
  assert.equal(f.inputs.timeout, 10);
  assert.equal(f.inputs.publish, true);
  assert.deepEqual(f.inputs.tracingConfig, { mode: 'Active' });
  assert.equal(f.inputs.loggingConfig.logFormat, 'JSON');
  assert.equal(f.inputs.loggingConfig.applicationLogLevel, 'DEBUG');
  const logGroup = one(mine, 'aws:cloudwatch/logGroup:LogGroup');
  assert.equal(logGroup.inputs.retentionInDays, 30);
  assert.equal(f.inputs.loggingConfig.logGroup, logGroup.state.name);
  assert.deepEqual(f.inputs.environment.variables, {
    POWERTOOLS_SERVICE_NAME: 'todo-api',           // from the ops document
    POWERTOOLS_METRICS_NAMESPACE: 'LiftExamples',  // from the ops document
    LIFT_LOG_LEVEL: 'DEBUG',
    TODO_TABLE: 'todos',
  });
  // The code is lift package's zip of the executable, byte for byte.
  const byHand = path.join(path.dirname(fn.zip), `by-hand-${process.pid}.zip`);
  const packaged = spawnSync(liftCli, ['package', todoApi, '--arch', hostArch, '-o', byHand], { encoding: 'utf8' });
  assert.equal(packaged.status, 0, packaged.stderr);
  assert.ok(fs.readFileSync(byHand).equals(fs.readFileSync(fn.zip)), 'the archive is not lift package\'s zip');
  fs.rmSync(byHand);

  // The role: Lambda may assume it; its statements name exactly what the function was given.
  const role = ofType(mine, 'aws:iam/role:Role').find((r) => r.name === 'todo-role') as Registered;
  assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, { Service: 'lambda.amazonaws.com' });
  assert.equal(f.inputs.role, role.state.arn);
  const statements = statementsOf(mine, 'todo-role');
  for (const s of statements) {
    assert.equal(s.Effect, 'Allow');
    for (const a of s.Action) assert.ok(!a.includes('*'), `wildcard action ${a}`);
    if (s.Resource.includes('*')) assert.deepEqual(s.Action.sort(), ['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  }
  assert.deepEqual(actionsOn(statements, `${logGroup.state.arn}:*`), ['logs:CreateLogStream', 'logs:PutLogEvents']);
  const tableActions = actionsOn(statements, TABLE);
  assert.deepEqual(actionsOn(statements, `${TABLE}/index/*`), tableActions);
  for (const a of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'])
    assert.ok(tableActions.includes(a), a);
  assert.ok(!statements.some((s) => s.Action.some((a) => a.startsWith('sqs:') || a.startsWith('sns:'))));

  // The alias every route invokes; CodeDeploy owns its version after creation.
  const alias = one(mine, 'aws:lambda/alias:Alias');
  assert.equal(alias.inputs.name, 'live');
  assert.equal(alias.inputs.functionName, f.state.name);
  assert.equal(alias.inputs.functionVersion, '7');

  // The HTTP API: one route per OpenAPI operation, all to the alias.
  const api = one(mine, 'aws:apigatewayv2/api:Api');
  assert.equal(api.inputs.protocolType, 'HTTP');
  const integration = one(mine, 'aws:apigatewayv2/integration:Integration');
  assert.equal(integration.inputs.integrationType, 'AWS_PROXY');
  assert.equal(integration.inputs.payloadFormatVersion, '2.0');
  assert.equal(integration.inputs.integrationUri, alias.state.arn);
  const routes = ofType(mine, 'aws:apigatewayv2/route:Route');
  const expected = openApiRoutes(todoApi);
  assert.ok(expected.includes('PATCH /todos/{id}'));
  assert.deepEqual(routes.map((r) => r.inputs.routeKey).sort(), expected.sort());
  assert.deepEqual(fn.routeKeys.slice().sort(), expected.sort());
  for (const r of routes) assert.equal(r.inputs.target, `integrations/${integration.name}-id`);
  const stage = one(mine, 'aws:apigatewayv2/stage:Stage');
  assert.equal(stage.inputs.name, '$default');
  assert.equal(stage.inputs.autoDeploy, true);
  const permission = one(mine, 'aws:lambda/permission:Permission');
  assert.equal(permission.inputs.principal, 'apigateway.amazonaws.com');
  assert.equal(permission.inputs.qualifier, 'live');
  assert.equal(permission.inputs.sourceArn, `${api.state.executionArn}/*/*`);

  // Alarms from the ops document, placeholders substituted.
  const alarms = ofType(mine, 'aws:cloudwatch/metricAlarm:MetricAlarm');
  assert.deepEqual(alarms.map((a) => a.inputs.name).sort(),
    [`${f.state.name}-error-rate`, `${f.state.name}-latency-p99-get-todos-id`, `${f.state.name}-throttles`]);
  const rate = alarms.find((a) => a.inputs.name.endsWith('-error-rate')) as Registered;
  assert.equal(rate.inputs.metricQueries.length, 3);
  assert.deepEqual(rate.inputs.metricQueries[0].metric,
    { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: f.state.name }, period: 60, stat: 'Sum' });
  assert.equal(rate.inputs.metricQueries[2].expression, '100 * errors / MAX([invocations, 1])');
  assert.equal(rate.inputs.metricQueries[2].returnData, true);
  assert.equal(rate.inputs.comparisonOperator, 'GreaterThanThreshold');
  assert.equal(rate.inputs.treatMissingData, 'notBreaching');
  const p99 = alarms.find((a) => a.inputs.name.includes('latency')) as Registered;
  assert.equal(p99.inputs.extendedStatistic, 'p99');
  assert.deepEqual(p99.inputs.dimensions, { service: 'todo-api', route: '/todos/:id', method: 'GET', status: '2xx' });
  assert.equal(p99.inputs.namespace, 'LiftExamples');
  const dashboard = one(mine, 'aws:cloudwatch/dashboard:Dashboard');
  assert.equal(dashboard.inputs.dashboardName, f.state.name);
  const body = JSON.parse(dashboard.inputs.dashboardBody);
  assert.equal(body.widgets.length, 2);
  assert.equal(body.widgets[0].properties.region, REGION);
  assert.deepEqual(body.widgets[0].properties.metrics[0], ['AWS/Lambda', 'Invocations', 'FunctionName', f.state.name]);
  assert.ok(!dashboard.inputs.dashboardBody.includes('${'));

  // CodeDeploy: the group shifts the alias linearly and rolls back on the rollback alarms.
  const app = one(mine, 'aws:codedeploy/application:Application');
  assert.equal(app.inputs.computePlatform, 'Lambda');
  const group = one(mine, 'aws:codedeploy/deploymentGroup:DeploymentGroup');
  assert.equal(group.inputs.appName, app.state.name);
  assert.equal(group.inputs.deploymentConfigName, 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
  assert.deepEqual(group.inputs.deploymentStyle, { deploymentOption: 'WITH_TRAFFIC_CONTROL', deploymentType: 'BLUE_GREEN' });
  assert.deepEqual(group.inputs.autoRollbackConfiguration, { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] });
  assert.deepEqual(group.inputs.alarmConfiguration.alarms.sort(),
    [`${f.state.name}-error-rate`, `${f.state.name}-latency-p99-get-todos-id`, 'shared-5xx'].sort());
  assert.equal(group.inputs.alarmConfiguration.enabled, true);
  const serviceRole = ofType(mine, 'aws:iam/role:Role').find((r) => r.name === 'todo-codedeploy-role') as Registered;
  assert.equal(group.inputs.serviceRoleArn, serviceRole.state.arn);
  assert.deepEqual(JSON.parse(serviceRole.inputs.assumeRolePolicy).Statement[0].Principal, { Service: 'codedeploy.amazonaws.com' });
  const cdStatements = statementsOf(mine, 'todo-codedeploy-role');
  assert.deepEqual(actionsOn(cdStatements, alias.state.arn), ['lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:UpdateAlias']);
  assert.deepEqual(actionsOn(cdStatements, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:shared-5xx`), ['cloudwatch:DescribeAlarms']);
  for (const s of cdStatements) assert.ok(!s.Resource.includes('*'), JSON.stringify(s));

  // The pre-traffic hook: a lift function testing the new version, reporting to the group.
  const hook = under('todo-pre-traffic');
  const hookFn = one(hook, 'aws:lambda/function:Function');
  const env = hookFn.inputs.environment.variables;
  assert.equal(env.LIFT_SMOKE_FUNCTION, f.state.qualifiedArn);
  assert.deepEqual(JSON.parse(env.LIFT_SMOKE_CASES), [{ name: 'list', event: { rawPath: '/todos' }, expect: { statusCode: 200 } }]);
  const hookStatements = statementsOf(hook, 'todo-pre-traffic-role');
  assert.deepEqual(actionsOn(hookStatements, `${f.state.arn}:*`), ['lambda:InvokeFunction']);
  assert.deepEqual(actionsOn(hookStatements, group.state.arn), ['codedeploy:PutLifecycleEventHookExecutionStatus']);
  assert.deepEqual(actionsOn(cdStatements, hookFn.state.arn), ['lambda:InvokeFunction']);

  // The traffic shift: CodeDeploy moves the alias to the published version, the hook first.
  const shift = registered.find((r) => r.name === 'todo-traffic-shift') as Registered;
  assert.ok(shift, 'no traffic shift resource');
  assert.equal(shift.type, 'pulumi-nodejs:dynamic/lift:AliasDeployment');
  // The provider Pulumi runs at deployment: serialized with the code that calls CodeDeploy.
  assert.equal(typeof shift.inputs.__provider, 'string');
  assert.match(shift.inputs.__provider, /CreateDeploymentCommand/);
  assert.equal(shift.inputs.applicationName, app.state.name);
  assert.equal(shift.inputs.deploymentGroupName, 'todo-live');
  assert.equal(shift.inputs.targetVersion, '7');
  assert.equal(shift.inputs.alias, 'live');
  assert.equal(shift.inputs.region, REGION);
  assert.equal(shift.inputs.beforeAllowTraffic, hookFn.state.name);
});

test('sqs-worker: SQS with partial batch responses, a stream, a schedule, sends and publishes', async () => {
  const fn = new LiftFunction('worker', {
    executable: sqsWorker,
    liftCli,
    architecture: hostArch,
    timeout: 30,
    logRetentionInDays: 14,
    sqs: [{ queueArn: QUEUE, batchSize: 5, maximumConcurrency: 4 }],
    queues: [{ arn: OUTBOX, access: 'send' }],
    topics: [TOPIC],
    dynamoDbStreams: [{ streamArn: STREAM, startingPosition: 'TRIM_HORIZON', onFailureDestinationArn: OUTBOX }],
    schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', input: { task: 'sweep' } }],
    ops: path.join(fixtures, 'sqs-worker.ops.json'),
    deadLetterQueueName: 'orders-dlq',
  });
  await valueOf(fn.alias.arn);
  await settled(registered);
  const mine = under('worker');
  const f = one(mine, 'aws:lambda/function:Function');
  const alias = one(mine, 'aws:lambda/alias:Alias');
  assert.equal(one(mine, 'aws:cloudwatch/logGroup:LogGroup').inputs.retentionInDays, 14);
  assert.equal(f.inputs.timeout, 30);
  assert.equal(ofType(mine, 'aws:apigatewayv2/api:Api').length, 0);
  assert.equal(ofType(mine, 'aws:codedeploy/application:Application').length, 0);

  const mappings = ofType(mine, 'aws:lambda/eventSourceMapping:EventSourceMapping');
  assert.equal(mappings.length, 2);
  const sqs = mappings.find((m) => m.inputs.eventSourceArn === QUEUE) as Registered;
  assert.deepEqual(sqs.inputs.functionResponseTypes, ['ReportBatchItemFailures']);
  assert.equal(sqs.inputs.functionName, alias.state.arn);
  assert.equal(sqs.inputs.batchSize, 5);
  assert.deepEqual(sqs.inputs.scalingConfig, { maximumConcurrency: 4 });
  const stream = mappings.find((m) => m.inputs.eventSourceArn === STREAM) as Registered;
  assert.deepEqual(stream.inputs.functionResponseTypes, ['ReportBatchItemFailures']);
  assert.equal(stream.inputs.startingPosition, 'TRIM_HORIZON');
  assert.equal(stream.inputs.bisectBatchOnFunctionError, true);
  assert.deepEqual(stream.inputs.destinationConfig, { onFailure: { destinationArn: OUTBOX } });

  const statements = statementsOf(mine, 'worker-role');
  assert.deepEqual(actionsOn(statements, QUEUE), ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
  assert.deepEqual(actionsOn(statements, OUTBOX), ['sqs:GetQueueAttributes', 'sqs:SendMessage', 'sqs:SendMessage']);
  assert.deepEqual(actionsOn(statements, TOPIC), ['sns:Publish']);
  assert.deepEqual(actionsOn(statements, STREAM), ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
  assert.ok(!statements.some((s) => s.Action.some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:DescribeStream' && !s.Resource.includes(STREAM))));

  const rule = one(mine, 'aws:cloudwatch/eventRule:EventRule');
  assert.equal(rule.inputs.scheduleExpression, 'cron(0 3 * * ? *)');
  const target = one(mine, 'aws:cloudwatch/eventTarget:EventTarget');
  assert.equal(target.inputs.arn, alias.state.arn);
  assert.equal(target.inputs.rule, rule.state.name);
  assert.deepEqual(JSON.parse(target.inputs.input), { task: 'sweep' });
  const permission = one(mine, 'aws:lambda/permission:Permission');
  assert.equal(permission.inputs.principal, 'events.amazonaws.com');
  assert.equal(permission.inputs.sourceArn, rule.state.arn);
  assert.equal(permission.inputs.qualifier, 'live');

  const alarms = ofType(mine, 'aws:cloudwatch/metricAlarm:MetricAlarm');
  const dlq = alarms.find((a) => a.inputs.name.endsWith('-dead-letters')) as Registered;
  assert.deepEqual(dlq.inputs.dimensions, { QueueName: 'orders-dlq' });
  assert.equal(JSON.parse(one(mine, 'aws:cloudwatch/dashboard:Dashboard').inputs.dashboardBody).widgets[0].properties.metrics[0][3], 'orders-dlq');
});

test('a zip instead of an executable, with the OpenAPI document given', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lift-pulumi-test-'));
  const zip = path.join(dir, 'hello.zip');
  const packaged = spawnSync(liftCli, ['package', hookExecutable, '--arch', hostArch, '-o', zip], { encoding: 'utf8' });
  assert.equal(packaged.status, 0, packaged.stderr);
  try {
    const fn = new LiftFunction('zipped', { zip, http: { openApi: { openapi: '3.1.0', paths: { '/hello': { get: {} } } } } });
    await valueOf(fn.alias.arn);
    await settled(registered);
    assert.equal(fn.zip, zip);
    assert.deepEqual(ofType(under('zipped'), 'aws:apigatewayv2/route:Route').map((r) => r.inputs.routeKey), ['GET /hello']);
    assert.deepEqual(one(under('zipped'), 'aws:lambda/function:Function').inputs.architectures, ['x86_64']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad configuration is refused with a message naming the problem', () => {
  const base: LiftFunctionArgs = { executable: todoApi, liftCli, architecture: hostArch };
  const refused = (args: LiftFunctionArgs, message: RegExp) => assert.throws(() => new LiftFunction('bad', args), message);
  refused({ ...base, executable: '/nonexistent/todo-api' }, /LiftFunction bad: executable \/nonexistent\/todo-api does not exist/);
  refused({ ...base, architecture: 'amd64' as never }, /architecture must be 'x86_64' or 'arm64', not "amd64"/);
  refused({ ...base, architecture: otherArch }, new RegExp(`lift package .*--arch ${otherArch}.*failed.*not ${otherArch}`, 's'));
  refused({ ...base, liftCli: '/nonexistent/lift' }, /cannot run '\/nonexistent\/lift'/);
  refused({ liftCli }, /exactly one of executable .* and zip/);
  refused({ ...base, zip: 'function.zip' }, /exactly one of executable .* and zip/);
  refused({ zip: path.join(fixtures, 'todo-api.ops.json'), http: {} }, /http needs openApi when the function is given as a zip/);
  refused({ ...base, memorySize: 64 }, /memorySize must be 128 to 10240 MB, not 64/);
  refused({ ...base, timeout: 901 }, /timeout must be 1 to 900 seconds, not 901/);
  refused({ ...base, logLevel: 'VERBOSE' as never }, /logLevel must be one of/);
  refused({ ...base, deployment: { config: 'Canary50Percent' } }, /deployment config "Canary50Percent" is not one of/);
  refused({ ...base, deployment: { preTrafficHook: { executable: hookExecutable } } }, /preTrafficHook needs cases or casesFile/);
  refused({ ...base, schedules: [{ name: 'x', expression: 'every 5 minutes' }] }, /'every 5 minutes' is not rate\(...\) or cron\(...\)/);
  refused({ ...base, queues: [{ arn: QUEUE, access: 'poll' as never }] }, /queue access must be 'consume' or 'send'/);
  refused({ ...base, tables: [{ arn: TABLE, actions: ['dynamodb:*'] }] }, /'dynamodb:\*' is not a dynamodb: action/);
  refused({ ...base, http: { openApi: { swagger: '2.0', paths: {} } } }, /no 'openapi: 3.x' version/);
  refused({ ...base, http: { openApi: { openapi: '3.1.0', paths: {} } } }, /no operations/);
  refused({ ...base, http: { openApi: path.join(fixtures, 'missing.json') } }, /OpenAPI document .*missing.json does not exist/);

  // The ops document.
  const ops = JSON.parse(fs.readFileSync(path.join(fixtures, 'todo-api.ops.json'), 'utf8'));
  const withOps = (change: (doc: any) => void) => {
    const doc = JSON.parse(JSON.stringify(ops));
    change(doc);
    return { ...base, ops: doc };
  };
  refused(withOps((d) => { d.version = 2; }), /ops document: version: unsupported version 2/);
  refused(withOps((d) => { d.alarms[1].id = 'ErrorRate'; }), /alarms\[1\]\.id: ErrorRate appears twice/);
  refused(withOps((d) => { d.alarms[0].id = 'error-rate'; }), /"error-rate" is not a PascalCase id/);
  refused(withOps((d) => { delete d.alarms[0].rollback; }), /alarms\[0\]\.rollback: missing or not true\/false/);
  refused(withOps((d) => { d.alarms[2].properties.AlarmName = '${Stage}-throttles'; }), /unknown placeholder \$\{Stage\}/);
  refused(withOps((d) => { d.alarms[2].properties.Dimensions[0].Value = '${DeadLetterQueueName}'; }), /needs a value: give the component deadLetterQueueName/);
  refused(withOps((d) => { d.alarms[2].properties.Thresold = 1; }), /Thresold: not an AWS::CloudWatch::Alarm property/);
  refused(withOps((d) => { delete d.alarms[2].properties.EvaluationPeriods; }), /EvaluationPeriods is required/);
  refused(withOps((d) => { d.dashboard.body = '{}'; }), /dashboard\.body: missing or not an object/);
  refused({ ...withOps((d) => { for (let i = 0; i < 9; ++i) d.alarms.push({ ...d.alarms[1], id: `Route${i}` }); }), deployment: {} },
    /11 alarms would roll deployments back, CodeDeploy watches at most 10/);
  refused({ ...withOps(() => undefined), metricsNamespace: 'Other' }, /metricsNamespace 'Other' is not the ops document's namespace 'LiftExamples'/);
  refused({ ...base, ops: path.join(fixtures, 'missing.ops.json') }, /ops document .*missing.ops.json does not exist/);
});
