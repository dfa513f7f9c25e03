// The sample program (deploy/pulumi/sample) for each stage, with the stage's own
// Pulumi.<stage>.yaml, under Pulumi's mocks: every AWS resource goes through the stage's
// provider (its account, its deploy role), todo-api and sqs-worker are wired as the README says,
// and each stage gets its CodeDeploy configuration; a stack whose role is not in its account is
// refused.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { required } from './support/mocks';

const source = required('LIFT_PULUMI_SOURCE');
const sampleDir = path.join(source, 'sample');
const fixtures = path.join(source, 'test', 'fixtures');

interface Resource { type: string; name: string; provider?: string; inputs: Record<string, any> }
interface Run { status: number | null; stderr: string; outputs: Record<string, any>; resources: Resource[] }

function runStage(stage: string, ...overrides: string[]): Run {
  const out = spawnSync(process.execPath, [path.join(__dirname, 'support', 'run-sample.js'), stage, ...overrides], {
    cwd: sampleDir,
    encoding: 'utf8',
    env: { ...process.env, LIFT_SMOKE_HOOK: required('LIFT_SMOKE_HOOK') },
    maxBuffer: 64 << 20,
  });
  const parsed = out.status === 0 ? JSON.parse(out.stdout) : { outputs: {}, resources: [] };
  return { status: out.status, stderr: out.stderr, ...parsed };
}

function checkStage(run: Run, stage: string, account: string, config: string): void {
  assert.equal(run.status, 0, run.stderr);
  const providers = run.resources.filter((r) => r.type === 'pulumi:providers:aws');
  assert.equal(providers.length, 1);
  const p = providers[0];
  assert.equal(p.name, stage);
  // A provider's inputs reach the engine as JSON strings.
  const decoded = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  assert.deepEqual(decoded(p.inputs.assumeRoles), [{ roleArn: `arn:aws:iam::${account}:role/lift-deploy`, sessionName: `lift-examples-${stage}` }]);
  assert.deepEqual(decoded(p.inputs.allowedAccountIds), [account]);
  assert.equal(p.inputs.region, 'eu-west-1');
  // Every AWS resource is created in the stage's account, through its provider.
  const aws = run.resources.filter((r) => r.type.startsWith('aws:'));
  assert.ok(aws.length > 20);
  for (const r of aws) assert.match(String(r.provider), new RegExp(`pulumi:providers:aws::${stage}::`), `${r.type} ${r.name}`);

  const functions = run.resources.filter((r) => r.type === 'aws:lambda/function:Function');
  const byService = new Map(functions.map((f) => [f.inputs.environment.variables.POWERTOOLS_SERVICE_NAME, f]));
  for (const name of ['todo-api', 'sqs-worker']) {
    const f = byService.get(name);
    assert.ok(f, name);
    assert.equal(f.inputs.runtime, 'provided.al2023');
    assert.deepEqual(f.inputs.architectures, [required('LIFT_ARCH')]);
    assert.equal(f.inputs.environment.variables.POWERTOOLS_METRICS_NAMESPACE, 'LiftExamples');
  }
  const table = run.resources.find((r) => r.type === 'aws:dynamodb/table:Table') as Resource;
  assert.equal(table.inputs.hashKey, 'PK');
  assert.equal(table.inputs.rangeKey, 'SK');
  assert.equal(byService.get('todo-api')?.inputs.environment.variables.TODO_TABLE, table.inputs.name ?? 'todos-0a1b2c3');
  const routes = run.resources.filter((r) => r.type === 'aws:apigatewayv2/route:Route').map((r) => r.inputs.routeKey);
  assert.ok(routes.includes('GET /todos') && routes.includes('DELETE /todos/{id}'), routes.join(', '));
  const mapping = run.resources.find((r) => r.type === 'aws:lambda/eventSourceMapping:EventSourceMapping') as Resource;
  assert.deepEqual(mapping.inputs.functionResponseTypes, ['ReportBatchItemFailures']);
  const queue = run.resources.find((r) => r.type === 'aws:sqs/queue:Queue' && r.name === 'orders') as Resource;
  assert.equal(JSON.parse(queue.inputs.redrivePolicy).maxReceiveCount, 5);
  assert.equal(queue.inputs.visibilityTimeoutSeconds, 6 * byService.get('sqs-worker')?.inputs.timeout);

  const groups = run.resources.filter((r) => r.type === 'aws:codedeploy/deploymentGroup:DeploymentGroup');
  assert.equal(groups.length, 2);
  for (const g of groups) assert.equal(g.inputs.deploymentConfigName, `CodeDeployDefault.Lambda${config}`);
  const shifts = run.resources.filter((r) => r.type === 'pulumi-nodejs:dynamic/lift:AliasDeployment');
  assert.equal(shifts.length, 2);
  for (const s of shifts) assert.equal(s.inputs.assumeRoleArn, `arn:aws:iam::${account}:role/lift-deploy`);
  assert.match(run.outputs.apiUrl, /^https:\/\//);
}

test('dev: its own account, all at once, no hook, no alarms', () => {
  const run = runStage('dev');
  checkStage(run, 'dev', '111111111111', 'AllAtOnce');
  assert.equal(run.resources.filter((r) => r.type === 'aws:lambda/function:Function').length, 2);
  assert.equal(run.resources.filter((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm').length, 0);
});

test('prod: its own account, canary behind the smoke hook, rolled back and notified by the ops alarms', () => {
  const run = runStage('prod', `lift-examples:todoApiOps=${path.join(fixtures, 'todo-api.ops.json')}`,
    `lift-examples:sqsWorkerOps=${path.join(fixtures, 'sqs-worker.ops.json')}`);
  checkStage(run, 'prod', '333333333333', 'Canary10Percent5Minutes');
  const hook = run.resources.find((r) => r.type === 'aws:lambda/function:Function' && r.name === 'todo-api-pre-traffic') as Resource;
  assert.ok(hook);
  const cases = JSON.parse(hook.inputs.environment.variables.LIFT_SMOKE_CASES);
  assert.deepEqual(cases.map((c: { name: string }) => c.name), ['liveness', 'list todos']);
  const alarms = run.resources.filter((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm');
  assert.equal(alarms.length, 5);
  for (const a of alarms) assert.deepEqual(a.inputs.alarmActions, ['arn:aws:sns:eu-west-1:333333333333:on-call']);
  const dlqAlarm = alarms.find((a) => a.inputs.metricName === 'ApproximateNumberOfMessagesVisible') as Resource;
  const dlq = run.resources.find((r) => r.type === 'aws:sqs/queue:Queue' && r.name === 'orders-dlq') as Resource;
  assert.deepEqual(dlqAlarm.inputs.dimensions, { QueueName: dlq.inputs.name ?? 'orders-dlq-0a1b2c3' });
  assert.equal(run.resources.filter((r) => r.type === 'aws:cloudwatch/dashboard:Dashboard').length, 2);
});

test('a stack whose deploy role is in another account is refused', () => {
  const run = runStage('dev', 'lift-examples:deployRoleArn=arn:aws:iam::333333333333:role/lift-deploy');
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /stack dev: deployRoleArn arn:aws:iam::333333333333:role\/lift-deploy is not a role of account 111111111111/);
});
