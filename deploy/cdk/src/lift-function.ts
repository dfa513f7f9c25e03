import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, BundlingOutput, DockerImage, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LiftOps, LiftOpsDocument, runLiftOps } from './lift-ops';

/** Log levels lift's logger reads from LIFT_LOG_LEVEL (and Lambda's ApplicationLogLevel). */
export type LiftLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface LiftFunctionProps extends lambda.FunctionOptions {
  /**
   * The function as `make build` leaves it: an executable (e.g. `build/bin/examples/hello`) or a
   * directory holding a `bootstrap`. It is zipped by `lift package` at synth time.
   */
  readonly executable: string;

  /**
   * The `lift` command line that packages the executable.
   * @default the LIFT_CLI environment variable, else `lift` on the PATH
   */
  readonly liftCli?: string;

  /**
   * POWERTOOLS_SERVICE_NAME: the `service` key of every log line and the metrics' service dimension.
   * @default the executable's file name
   */
  readonly serviceName?: string;

  /**
   * POWERTOOLS_METRICS_NAMESPACE: the CloudWatch namespace of the function's EMF metrics.
   * @default 'lift'
   */
  readonly metricsNamespace?: string;

  /**
   * LIFT_LOG_LEVEL, and the Lambda application log level (Advanced Logging Controls) so Lambda
   * keeps the lines lift writes.
   * @default 'INFO'
   */
  readonly logLevel?: LiftLogLevel;

  /**
   * Keep symbols and debug information in the packaged bootstrap (`lift package --no-strip`).
   * @default false
   */
  readonly keepSymbols?: boolean;

  /**
   * Deploy through CodeDeploy: each deployment publishes a version behind an alias and shifts
   * traffic to it gradually, after the hooks passed, rolling back when an alarm goes off
   * (the `ops` alarms marked for rollback included).
   * @default no alias, no deployment group: updates take all traffic at once
   */
  readonly deployment?: LiftDeploymentOptions;

  /**
   * CloudWatch alarms and a dashboard from `lift ops`: a document it printed, or run at synth time.
   * @default none
   */
  readonly ops?: LiftFunctionOpsOptions;
}

export interface LiftDeploymentOptions {
  /** @default 'live' */
  readonly aliasName?: string;
  /** @default LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES */
  readonly config?: codedeploy.ILambdaDeploymentConfig;
  /** Runs before traffic shifts (e.g. examples/smoke-hook); it may invoke the new version. */
  readonly preHook?: lambda.IFunction;
  /** Runs after traffic has shifted. */
  readonly postHook?: lambda.IFunction;
  /** Alarms to roll back on, besides the `ops` rollback alarms. */
  readonly alarms?: cloudwatch.IAlarm[];
}

export interface LiftFunctionOpsOptions {
  /**
   * The `lift ops EXECUTABLE --format json` document (parsed, or a file's path).
   * @default `lift ops` is run at synth time on the executable, with the function's service name and namespace
   */
  readonly document?: LiftOpsDocument | string;
  /** More `lift ops` flags when it runs at synth time (`--route-p99 'GET /todos=300'`, `--overrides FILE`, ...). */
  readonly args?: string[];
  /** The dead-letter queue to alarm on (adds `--dead-letter-queue` when lift ops runs here). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default true */
  readonly dashboard?: boolean;
}

const APPLICATION_LOG_LEVELS: Record<LiftLogLevel, lambda.ApplicationLogLevel> = {
  TRACE: lambda.ApplicationLogLevel.TRACE,
  DEBUG: lambda.ApplicationLogLevel.DEBUG,
  INFO: lambda.ApplicationLogLevel.INFO,
  WARN: lambda.ApplicationLogLevel.WARN,
  ERROR: lambda.ApplicationLogLevel.ERROR,
  FATAL: lambda.ApplicationLogLevel.FATAL,
};

/**
 * A lift function on the `provided.al2023` runtime: the executable is packaged by
 * `lift package --arch <architecture>` into the cloud assembly (the zip, with `bootstrap` at its
 * root, is the asset as it is: the same binary gives the same zip and the same CodeSha256), with
 * X-Ray tracing active, JSON logs (Advanced Logging Controls) and the Powertools environment that
 * lift's logger and metrics read. Every `lambda.FunctionOptions` property can be overridden.
 */
export class LiftFunction extends lambda.Function {
  /** The executable that was packaged. */
  public readonly executable: string;
  /** The alias CodeDeploy shifts (with `deployment`); point the function's callers at it. */
  public readonly alias?: lambda.Alias;
  /** The CodeDeploy deployment group (with `deployment`). */
  public readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;
  /** The alarms and the dashboard (with `ops`). */
  public readonly ops?: LiftOps;

  constructor(scope: Construct, id: string, props: LiftFunctionProps) {
    const { executable: given, liftCli, serviceName, metricsNamespace, logLevel, keepSymbols, deployment, ops, ...options } = props;
    const executable = path.resolve(given);
    if (!fs.existsSync(executable)) {
      throw new Error(`LiftFunction ${id}: ${given} does not exist (build it first: make build)`);
    }
    const architecture = options.architecture ?? lambda.Architecture.X86_64;
    const cli = liftCli ?? process.env.LIFT_CLI ?? 'lift';
    const level = logLevel ?? 'INFO';
    const service = serviceName ?? path.basename(executable);
    const namespace = metricsNamespace ?? 'lift';
    const isDirectory = fs.statSync(executable).isDirectory();
    const args = ['package', executable, '--arch', architecture.name];
    if (keepSymbols) args.push('--no-strip');

    super(scope, id, {
      memorySize: 128,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVELS[level],
      ...options,
      architecture,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      environment: {
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: namespace,
        LIFT_LOG_LEVEL: level,
        ...options.environment,
      },
      code: lambda.Code.fromAsset(isDirectory ? executable : path.dirname(executable), {
        // Only the executable counts for the source fingerprint; the asset's hash is the zip's.
        exclude: isDirectory ? undefined : ['*', `!${path.basename(executable)}`],
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling below either packages the function or fails the synth.
          image: DockerImage.fromRegistry('public.ecr.aws/lambda/provided:al2023'),
          outputType: BundlingOutput.ARCHIVED,
          local: {
            tryBundle(outputDir: string): boolean {
              runLiftPackage(id, cli, [...args, '-o', path.join(outputDir, 'function.zip')]);
              return true;
            },
          },
        },
      }),
    });
    this.executable = executable;

    if (ops) {
      const document =
        ops.document ??
        runLiftOps(cli, executable, [
          '--service', service, '--namespace', namespace, ...(ops.deadLetterQueue ? ['--dead-letter-queue'] : []), ...(ops.args ?? []),
        ]);
      this.ops = new LiftOps(this, 'Ops', { function: this, document, deadLetterQueue: ops.deadLetterQueue, dashboard: ops.dashboard });
    }
    if (deployment) {
      this.alias = new lambda.Alias(this, 'Alias', { aliasName: deployment.aliasName ?? 'live', version: this.currentVersion });
      this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
        alias: this.alias,
        deploymentConfig: deployment.config ?? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        preHook: deployment.preHook,
        postHook: deployment.postHook,
        alarms: [...(this.ops?.rollbackAlarms ?? []), ...(deployment.alarms ?? [])],
      });
    }
  }
}

function runLiftPackage(id: string, liftCli: string, args: string[]): void {
  const result = spawnSync(liftCli, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) {
    throw new Error(
      `LiftFunction ${id}: cannot run '${liftCli}' (${result.error.message}); ` +
        'set the liftCli property or LIFT_CLI to the lift command line (make build puts it at build/bin/lift)',
    );
  }
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
    throw new Error(`LiftFunction ${id}: ${liftCli} ${args.join(' ')} failed (exit ${result.status}): ${output}`);
  }
}
