import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, BundlingOutput, DockerImage, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

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

  constructor(scope: Construct, id: string, props: LiftFunctionProps) {
    const { executable: given, liftCli, serviceName, metricsNamespace, logLevel, keepSymbols, ...options } = props;
    const executable = path.resolve(given);
    if (!fs.existsSync(executable)) {
      throw new Error(`LiftFunction ${id}: ${given} does not exist (build it first: make build)`);
    }
    const architecture = options.architecture ?? lambda.Architecture.X86_64;
    const cli = liftCli ?? process.env.LIFT_CLI ?? 'lift';
    const level = logLevel ?? 'INFO';
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
        POWERTOOLS_SERVICE_NAME: serviceName ?? path.basename(executable),
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace ?? 'lift',
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
