// Pulumi's resource monitor replaced by mocks (no CLI, no engine, no account): every resource a
// program registers is recorded with its inputs, and answered with the outputs AWS would give
// (ARNs in the stage's region and account, a published version, ...), so Outputs resolve.
import * as pulumi from '@pulumi/pulumi';

export const REGION = 'eu-west-1';
export const ACCOUNT = '111111111111';

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider?: string;
  state: Record<string, any>;
}

function physicalName(args: pulumi.runtime.MockResourceArgs): string {
  if (typeof args.inputs.name === 'string') return args.inputs.name;
  if (typeof args.inputs.namePrefix === 'string') return `${args.inputs.namePrefix}0a1b2c3`;
  return `${args.name}-0a1b2c3`;
}

function outputsOf(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  const name = physicalName(args);
  const i = args.inputs;
  const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  switch (args.type) {
    case 'aws:lambda/function:Function': {
      const fn = arn('lambda', `function:${name}`);
      return { name, arn: fn, version: '7', qualifiedArn: `${fn}:7`, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fn}/invocations` };
    }
    case 'aws:lambda/alias:Alias':
      return { arn: arn('lambda', `function:${i.functionName}:${i.name}`) };
    case 'aws:iam/role:Role':
      return { name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { name, arn: arn('logs', `log-group:${name}`) };
    case 'aws:apigatewayv2/api:Api':
      return { apiEndpoint: `https://a1b2c3.execute-api.${REGION}.amazonaws.com`, executionArn: arn('execute-api', 'a1b2c3') };
    case 'aws:apigatewayv2/stage:Stage':
      return { invokeUrl: `https://a1b2c3.execute-api.${REGION}.amazonaws.com/` };
    case 'aws:codedeploy/application:Application':
      return { name, arn: arn('codedeploy', `application:${name}`) };
    case 'aws:codedeploy/deploymentGroup:DeploymentGroup':
      return { arn: arn('codedeploy', `deploymentgroup:${i.appName}/${i.deploymentGroupName}`) };
    case 'aws:cloudwatch/metricAlarm:MetricAlarm':
      return { name, arn: arn('cloudwatch', `alarm:${name}`) };
    case 'aws:cloudwatch/eventRule:EventRule':
      return { name, arn: arn('events', `rule/${name}`) };
    case 'aws:sqs/queue:Queue':
      return { name, arn: arn('sqs', name), url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}` };
    case 'aws:dynamodb/table:Table':
      return { name, arn: arn('dynamodb', `table/${name}`), streamArn: i.streamEnabled ? arn('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`) : undefined };
    case 'aws:sns/topic:Topic':
      return { name, arn: arn('sns', name) };
    default:
      return {};
  }
}

/** Installs the mocks and returns the list every registration is appended to. */
export function installMocks(project = 'lift-test', stack = 'test'): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = { ...args.inputs, ...outputsOf(args) };
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, state });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        throw new Error(`unexpected provider call ${args.token}: the component makes none`);
      },
    },
    project,
    stack,
    false,
  );
  return registered;
}

/** An Output's value. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** Waits until no registration is pending (each resource's URN resolves after it registered). */
export async function settled(registered: Registered[]): Promise<void> {
  let count = -1;
  while (count !== registered.length) {
    count = registered.length;
    for (let i = 0; i < 20; ++i) await new Promise((resolve) => setImmediate(resolve));
  }
}

export function ofType(registered: Registered[], type: string): Registered[] {
  return registered.filter((r) => r.type === type);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the ctest test lift_deploy_pulumi_test sets it)`);
  return value;
}
