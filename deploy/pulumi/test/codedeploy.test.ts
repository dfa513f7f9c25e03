// The traffic shift's provider as Pulumi runs it: serialized by the SDK when the resource is
// registered, loaded back the way the dynamic-provider host loads it, and driven against a
// CodeDeploy (and STS) fake on 127.0.0.1 through the real AWS SDK for JavaScript: the AppSpec it
// sends, the signed requests with the assumed role's keys, waiting for the end, and a rolled
// back deployment reported as a failed update.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { installMocks, Registered, settled, valueOf } from './support/mocks';

const registered = installMocks();
import { AliasDeployment, AliasDeploymentInputs, AliasDeploymentOutputs, appSpec } from '../src';

interface Call { target: string; body: any; authorization: string }
const calls: Call[] = [];
// The statuses GetDeployment answers, in order, for the deployment being watched.
let statuses: { status: string; errorInformation?: object; rollbackInfo?: object }[] = [];
let server: http.Server;

before(async () => {
  server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const authorization = String(req.headers.authorization ?? '');
      if (String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        // STS AssumeRole (query protocol).
        const form = new URLSearchParams(text);
        calls.push({ target: `sts:${form.get('Action')}`, body: Object.fromEntries(form), authorization });
        res.setHeader('content-type', 'text/xml');
        res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIASTAGEDEPLOY</AccessKeyId><SecretAccessKey>stage-secret</SecretAccessKey>
<SessionToken>stage-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROA:lift-codedeploy</AssumedRoleId><Arn>${form.get('RoleArn')}/lift-codedeploy</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(text || '{}');
      calls.push({ target, body, authorization });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'CodeDeploy_20141006.CreateDeployment') {
        res.end(JSON.stringify({ deploymentId: `d-${calls.length}` }));
      } else if (target === 'CodeDeploy_20141006.GetDeployment') {
        const next = statuses.length > 1 ? statuses.shift() : statuses[0];
        res.end(JSON.stringify({ deploymentInfo: { deploymentId: body.deploymentId, ...next } }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.env.AWS_ENDPOINT_URL_CODEDEPLOY = `http://127.0.0.1:${port}`;
  process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
  process.env.AWS_ACCESS_KEY_ID = 'AKIADEPLOYER';
  process.env.AWS_SECRET_ACCESS_KEY = 'deployer-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const inputs: AliasDeploymentInputs = {
  region: 'eu-west-1',
  applicationName: 'orders-codedeploy',
  deploymentGroupName: 'orders-live',
  functionName: 'orders-0a1b2c3',
  alias: 'live',
  targetVersion: '8',
  beforeAllowTraffic: 'orders-pre-traffic-0a1b2c3',
  pollIntervalSeconds: 0.01,
  timeoutMinutes: 1,
};

/** The provider as the deployment host gets it: the serialized text, loaded with require-from-string. */
let serialized = 0;
async function serializedProvider(): Promise<any> {
  const name = `orders-traffic-shift-${++serialized}`;
  const resource = new AliasDeployment(name, inputs);
  await valueOf(resource.urn);
  await settled(registered);
  const r = registered.find((x) => x.name === name) as Registered;
  const requireFromString = require('require-from-string');
  return requireFromString(r.inputs.__provider).handler();
}

test('the AppSpec names the alias, both versions and the hook', () => {
  const spec = appSpec(inputs, '7');
  assert.ok(spec.startsWith('{"version":0.0,'), spec);
  assert.deepEqual(JSON.parse(spec), {
    version: 0,
    Resources: [{ 'orders-0a1b2c3': { Type: 'AWS::Lambda::Function', Properties: { Name: 'orders-0a1b2c3', Alias: 'live', CurrentVersion: '7', TargetVersion: '8' } } }],
    Hooks: [{ BeforeAllowTraffic: 'orders-pre-traffic-0a1b2c3' }],
  });
});

test('a new version is deployed through CodeDeploy and waited for; the same version is not', async () => {
  const provider = await serializedProvider();
  const created = await provider.create(inputs);
  assert.equal(created.id, 'orders-codedeploy/orders-live');
  assert.equal(created.outs.deployedVersion, '8');
  assert.equal(calls.length, 0, 'creating starts no deployment: the alias was created on the version');

  const next = { ...inputs, targetVersion: '9' };
  const diff = await provider.diff(created.id, created.outs, next);
  assert.equal(diff.changes, true);
  assert.deepEqual(diff.replaces, []);

  statuses = [{ status: 'Created' }, { status: 'InProgress' }, { status: 'Baking' }, { status: 'Succeeded' }];
  calls.length = 0;
  const updated = await provider.update(created.id, created.outs, next);
  assert.equal(updated.outs.deployedVersion, '9');
  const create = calls[0];
  assert.equal(create.target, 'CodeDeploy_20141006.CreateDeployment');
  assert.match(create.authorization, /^AWS4-HMAC-SHA256 Credential=AKIADEPLOYER\/\d{8}\/eu-west-1\/codedeploy\/aws4_request/);
  assert.equal(create.body.applicationName, 'orders-codedeploy');
  assert.equal(create.body.deploymentGroupName, 'orders-live');
  assert.equal(create.body.revision.revisionType, 'AppSpecContent');
  assert.deepEqual(JSON.parse(create.body.revision.appSpecContent.content).Resources[0]['orders-0a1b2c3'].Properties,
    { Name: 'orders-0a1b2c3', Alias: 'live', CurrentVersion: '8', TargetVersion: '9' });
  assert.equal(updated.outs.deploymentId, 'd-1');
  assert.deepEqual(calls.slice(1).map((c) => c.target), Array(4).fill('CodeDeploy_20141006.GetDeployment'));
  assert.ok(calls.slice(1).every((c) => c.body.deploymentId === 'd-1'));

  // Nothing changed: no deployment.
  calls.length = 0;
  const same = await provider.update(created.id, updated.outs, next);
  assert.equal(same.outs.deployedVersion, '9');
  assert.equal(calls.length, 0);
});

test('a deployment rolled back on an alarm fails the update and names the reason', async () => {
  const provider = await serializedProvider();
  const olds: AliasDeploymentOutputs = { ...inputs, deployedVersion: '8' };
  statuses = [{ status: 'InProgress' }, {
    status: 'Stopped',
    errorInformation: { code: 'ALARM_ACTIVE', message: 'One or more alarms have been activated: orders-error-rate' },
    rollbackInfo: { rollbackMessage: 'Deployment d-9 rolled back' },
  }];
  calls.length = 0;
  await assert.rejects(provider.update('id', olds, { ...inputs, targetVersion: '9' }),
    /deployment d-1 of orders-0a1b2c3 version 9 stopped \(ALARM_ACTIVE: One or more alarms have been activated: orders-error-rate\); Deployment d-9 rolled back; the alias live stays on version 8/);
});

test('the stage role is assumed first and its keys sign the CodeDeploy calls', async () => {
  const provider = await serializedProvider();
  statuses = [{ status: 'Succeeded' }];
  calls.length = 0;
  const roleArn = 'arn:aws:iam::222222222222:role/lift-deploy';
  await provider.update('id', { ...inputs, deployedVersion: '8' }, { ...inputs, targetVersion: '9', assumeRoleArn: roleArn });
  assert.equal(calls[0].target, 'sts:AssumeRole');
  assert.equal(calls[0].body.RoleArn, roleArn);
  assert.match(calls[1].authorization, /Credential=ASIASTAGEDEPLOY\//);
});

test('a deployment that does not end in time is an error', async () => {
  const provider = await serializedProvider();
  statuses = [{ status: 'InProgress' }];
  await assert.rejects(provider.update('id', { ...inputs, deployedVersion: '8' }, { ...inputs, targetVersion: '9', timeoutMinutes: 0.0005 }),
    /still InProgress after 0.0005 minutes/);
});
