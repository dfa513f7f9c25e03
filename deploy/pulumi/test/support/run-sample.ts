// Runs the sample program for one stage under Pulumi's mocks, in the current directory (the
// sample's project directory, as Pulumi runs it), with the stage's Pulumi.<stage>.yaml and
// KEY=VALUE overrides, and prints what it registered and exported as JSON.
//   node run-sample.js STAGE [project:key=value ...]
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { installMocks, settled, valueOf } from './mocks';

async function main(): Promise<void> {
  const [stage, ...overrides] = process.argv.slice(2);
  const registered = installMocks('lift-examples', stage);
  // js-yaml: the YAML reader @pulumi/pulumi itself depends on.
  const yaml = require('js-yaml') as { load(text: string): unknown };
  const stack = yaml.load(fs.readFileSync(path.join(process.cwd(), `Pulumi.${stage}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(stack.config)) config[key] = typeof value === 'string' ? value : JSON.stringify(value);
  for (const o of overrides) {
    const eq = o.indexOf('=');
    config[o.slice(0, eq)] = o.slice(eq + 1);
  }
  pulumi.runtime.setAllConfig(config);
  const program = require('../../sample/index') as Record<string, pulumi.Output<unknown> | undefined>;
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(program)) if (value !== undefined) outputs[name] = await valueOf(value);
  await settled(registered);
  const resources = registered.map(({ type, name, inputs, provider }) => {
    const { __provider, ...rest } = inputs;
    return { type, name, provider, inputs: rest };
  });
  process.stdout.write(JSON.stringify({ outputs, resources }));
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
