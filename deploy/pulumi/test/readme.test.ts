// The example of deploy/README.md's Pulumi section, type-checked against the component and run
// under Pulumi's mocks with the built files in place of the paths it names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { installMocks, ofType, required, settled, valueOf } from './support/mocks';

const registered = installMocks();

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(required('LIFT_PULUMI_SOURCE'), '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Pulumi\n'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'no ts example in the Pulumi section');
  return match[1];
}

test("the README's example type-checks and deploys under the mocks", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lift-pulumi-readme-'));
  try {
    // The ops document it names: the fixture's, for the example's service and namespace.
    const ops = JSON.parse(fs.readFileSync(path.join(required('LIFT_PULUMI_SOURCE'), 'test', 'fixtures', 'todo-api.ops.json'), 'utf8'));
    ops.service = 'orders';
    ops.namespace = 'Shop';
    const opsFile = path.join(dir, 'orders.ops.json');
    fs.writeFileSync(opsFile, JSON.stringify(ops));
    const source = readmeExample()
      .replace("'@lift/pulumi'", JSON.stringify(path.join(__dirname, '..', 'src')))
      .replace("'build/bin/examples/todo-api'", JSON.stringify(required('LIFT_TODO_API')))
      .replace("'build/bin/lift'", JSON.stringify(required('LIFT_CLI')))
      .replace("'build/ops/orders.json'", JSON.stringify(opsFile))
      .replace("architecture: 'x86_64'", `architecture: '${required('LIFT_ARCH')}'`);
    const file = path.join(dir, 'example.ts');
    fs.writeFileSync(file, source);

    const ts = require('typescript') as typeof import('typescript');
    const modules = required('NODE_PATH').split(path.delimiter)[0];
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, esModuleInterop: true, skipLibCheck: true,
      outDir: dir, types: ['node'], typeRoots: [path.join(modules, '@types')], baseUrl: '/', paths: { '*': [path.join(modules, '*')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).concat(program.emit().diagnostics);
    assert.deepEqual(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);

    const example = require(path.join(dir, 'example.js'));
    assert.match(await valueOf(example.url), /^https:\/\//);
    await settled(registered);
    const fn = ofType(registered, 'aws:lambda/function:Function');
    assert.equal(fn.length, 1);
    assert.equal(fn[0].inputs.environment.variables.POWERTOOLS_SERVICE_NAME, 'orders');
    assert.equal(ofType(registered, 'aws:codedeploy/deploymentGroup:DeploymentGroup')[0].inputs.deploymentConfigName,
      'CodeDeployDefault.LambdaCanary10Percent5Minutes');
    assert.equal(ofType(registered, 'aws:cloudwatch/metricAlarm:MetricAlarm').length, ops.alarms.length);
    assert.ok(ofType(registered, 'aws:apigatewayv2/route:Route').length > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
