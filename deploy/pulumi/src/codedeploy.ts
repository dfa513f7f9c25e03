import * as pulumi from '@pulumi/pulumi';

/**
 * What one CodeDeploy traffic shift needs: the alias to move and the version to move it to.
 * CodeDeploy, not Pulumi, moves the alias (canary or linear steps, the pre-traffic hook, rollback
 * on alarm); this resource starts that deployment when the version changes and waits for it.
 */
export interface AliasDeploymentInputs {
  region: string;
  /** Assumed before calling CodeDeploy (the stage's deployment role, in the stage's account). */
  assumeRoleArn?: string;
  applicationName: string;
  deploymentGroupName: string;
  functionName: string;
  alias: string;
  targetVersion: string;
  /** Called by CodeDeploy before any traffic reaches the new version. */
  beforeAllowTraffic?: string;
  pollIntervalSeconds: number;
  timeoutMinutes: number;
}

export interface AliasDeploymentOutputs extends AliasDeploymentInputs {
  /** The version the alias was last shifted to (the next deployment's CurrentVersion). */
  deployedVersion: string;
  /** The last CodeDeploy deployment, if any ran. */
  deploymentId?: string;
}

/** The AppSpec of a Lambda deployment (CodeDeploy's `version: 0.0` format, as JSON). */
export function appSpec(inputs: AliasDeploymentInputs, currentVersion: string): string {
  const resource = {
    [inputs.functionName]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Name: inputs.functionName,
        Alias: inputs.alias,
        CurrentVersion: currentVersion,
        TargetVersion: inputs.targetVersion,
      },
    },
  };
  const spec: Record<string, unknown> = { version: 0.0, Resources: [resource] };
  if (inputs.beforeAllowTraffic) spec.Hooks = [{ BeforeAllowTraffic: inputs.beforeAllowTraffic }];
  // JSON.stringify writes 0.0 as 0; CodeDeploy's examples (and parsers) expect the literal 0.0.
  return JSON.stringify(spec).replace('"version":0,', '"version":0.0,');
}

/**
 * Starts a CodeDeploy deployment of `targetVersion` and waits until it ends; a deployment that
 * fails, is stopped or rolls back on an alarm is an error naming the deployment and its reason.
 */
export async function deployVersion(inputs: AliasDeploymentInputs, currentVersion: string): Promise<string> {
  // Loaded here, not at the top: the program that declares the resources never needs the SDK,
  // only the provider that runs the deployment does.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cd = require('@aws-sdk/client-codedeploy') as typeof import('@aws-sdk/client-codedeploy');
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  if (inputs.assumeRoleArn) {
    const sts = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
    const assumed = await new sts.STSClient({ region: inputs.region }).send(
      new sts.AssumeRoleCommand({ RoleArn: inputs.assumeRoleArn, RoleSessionName: 'lift-codedeploy', DurationSeconds: 3600 }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${inputs.assumeRoleArn} returned no credentials`);
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }
  const client = new cd.CodeDeployClient({ region: inputs.region, credentials });
  const created = await client.send(
    new cd.CreateDeploymentCommand({
      applicationName: inputs.applicationName,
      deploymentGroupName: inputs.deploymentGroupName,
      description: `lift: ${inputs.functionName}:${inputs.alias} from version ${currentVersion} to ${inputs.targetVersion}`,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec(inputs, currentVersion) } },
    }),
  );
  const id = created.deploymentId;
  if (!id) throw new Error(`CodeDeploy returned no deployment id for ${inputs.deploymentGroupName}`);
  const deadline = Date.now() + inputs.timeoutMinutes * 60_000;
  for (;;) {
    const got = await client.send(new cd.GetDeploymentCommand({ deploymentId: id }));
    const info = got.deploymentInfo;
    const status = info?.status;
    if (status === 'Succeeded') return id;
    if (status === 'Failed' || status === 'Stopped') {
      const reason = info?.errorInformation ? `${info.errorInformation.code ?? ''}: ${info.errorInformation.message ?? ''}` : 'no reason given';
      const rolledBack = info?.rollbackInfo?.rollbackMessage ? `; ${info.rollbackInfo.rollbackMessage}` : '';
      throw new Error(
        `CodeDeploy deployment ${id} of ${inputs.functionName} version ${inputs.targetVersion} ${status.toLowerCase()} ` +
          `(${reason})${rolledBack}; the alias ${inputs.alias} stays on version ${currentVersion}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`CodeDeploy deployment ${id} still ${status} after ${inputs.timeoutMinutes} minutes`);
    }
    await new Promise((resolve) => setTimeout(resolve, inputs.pollIntervalSeconds * 1000));
  }
}

/**
 * The dynamic provider: creating records the version the alias was created with (nothing to
 * shift yet); each later version is a CodeDeploy deployment from the last one shifted to. A
 * failed deployment fails the update, so Pulumi keeps the old state and the next `pulumi up`
 * tries again from the version the alias is really on.
 */
export const aliasDeploymentProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: AliasDeploymentInputs) {
    const outs: AliasDeploymentOutputs = { ...inputs, deployedVersion: inputs.targetVersion };
    return { id: `${inputs.applicationName}/${inputs.deploymentGroupName}`, outs };
  },
  async diff(_id: string, olds: AliasDeploymentOutputs, news: AliasDeploymentInputs) {
    const replaces = (['applicationName', 'deploymentGroupName', 'functionName', 'alias'] as const).filter((k) => olds[k] !== news[k]);
    const changed = (Object.keys(news) as (keyof AliasDeploymentInputs)[]).some((k) => olds[k] !== news[k]);
    return { changes: changed || olds.deployedVersion !== news.targetVersion, replaces, deleteBeforeReplace: false };
  },
  async update(_id: string, olds: AliasDeploymentOutputs, news: AliasDeploymentInputs) {
    if (olds.deployedVersion === news.targetVersion) {
      const outs: AliasDeploymentOutputs = { ...news, deployedVersion: olds.deployedVersion, deploymentId: olds.deploymentId };
      return { outs };
    }
    const deploymentId = await deployVersion(news, olds.deployedVersion);
    const outs: AliasDeploymentOutputs = { ...news, deployedVersion: news.targetVersion, deploymentId };
    return { outs };
  },
  async delete() {
    // The alias and the deployment group are Pulumi resources of their own; nothing to undo here.
  },
};

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Shifts an alias to each new version through CodeDeploy (see aliasDeploymentProvider). */
export class AliasDeployment extends pulumi.dynamic.Resource {
  public readonly deployedVersion!: pulumi.Output<string>;
  public readonly deploymentId!: pulumi.Output<string | undefined>;

  constructor(name: string, args: Inputs<AliasDeploymentInputs>, opts?: pulumi.CustomResourceOptions) {
    super(aliasDeploymentProvider, name, { deployedVersion: undefined, deploymentId: undefined, ...args }, opts, 'lift', 'AliasDeployment');
  }
}
