import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { Aws, CfnResource, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** One alarm of a `lift ops --format json` document. */
export interface LiftOpsAlarm {
  /** PascalCase logical id, unique in the document. */
  readonly id: string;
  /** error-rate, latency-p99, throttles, dead-letter-depth, ... */
  readonly kind: string;
  /** The route (`GET /todos/{id}`) of a per-route alarm. */
  readonly route?: string;
  /** Whether a canary deployment should roll back when it goes off. */
  readonly rollback: boolean;
  /** AWS::CloudWatch::Alarm properties, as CloudFormation spells them. */
  readonly properties: Record<string, unknown>;
}

/** What `lift ops FUNCTION --format json` prints. */
export interface LiftOpsDocument {
  readonly version: number;
  readonly service: string;
  readonly namespace: string;
  readonly alarms: LiftOpsAlarm[];
  readonly dashboard: { readonly name: string; readonly body: Record<string, unknown> };
}

export interface LiftOpsProps {
  /** The function the alarms and the dashboard watch (its name replaces `${FunctionName}`). */
  readonly function: lambda.IFunction;
  /** The document: parsed, or the path of a file `lift ops --format json -o FILE` wrote. */
  readonly document: LiftOpsDocument | string;
  /** The dead-letter queue (its name replaces `${DeadLetterQueueName}`); needed when the document has a dead-letter alarm. */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Create the dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * The dashboard's name.
   * @default the document's (the function's name)
   */
  readonly dashboardName?: string;
}

const PLACEHOLDER = /\$\{(FunctionName|DeadLetterQueueName|AWS::Region)\}/;

/**
 * The alarms and the dashboard of a `lift ops` document as CloudFormation resources:
 * `AWS::CloudWatch::Alarm` with the document's properties as they are (placeholders replaced by
 * the function's and the queue's names), and an `AWS::CloudWatch::Dashboard`.
 */
export class LiftOps extends Construct {
  /** The document the resources were made from. */
  public readonly document: LiftOpsDocument;
  /** Every alarm, by the document's id. */
  public readonly alarms: Record<string, cloudwatch.IAlarm> = {};
  /** The alarms a canary deployment rolls back on (`rollback: true`). */
  public readonly rollbackAlarms: cloudwatch.IAlarm[] = [];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: cloudwatch.CfnDashboard;

  constructor(scope: Construct, id: string, props: LiftOpsProps) {
    super(scope, id);
    this.document = typeof props.document === 'string' ? readDocument(props.document) : props.document;
    checkDocument(this.document, id);
    const values: Record<string, string> = { FunctionName: props.function.functionName, 'AWS::Region': Aws.REGION };
    if (props.deadLetterQueue) values.DeadLetterQueueName = props.deadLetterQueue.queueName;
    const usesQueue = JSON.stringify(this.document).includes('${DeadLetterQueueName}');
    if (usesQueue && !props.deadLetterQueue) {
      throw new Error(`LiftOps ${id}: the document has a dead-letter alarm (lift ops --dead-letter-queue); give deadLetterQueue`);
    }

    for (const alarm of this.document.alarms) {
      const resource = new CfnResource(this, alarm.id, {
        type: 'AWS::CloudWatch::Alarm',
        properties: substitute(alarm.properties, values) as Record<string, unknown>,
      });
      const reference = cloudwatch.Alarm.fromAlarmName(this, `${alarm.id}Ref`, resource.ref);
      this.alarms[alarm.id] = reference;
      if (alarm.rollback) this.rollbackAlarms.push(reference);
    }
    if (props.dashboard ?? true) {
      this.dashboard = new cloudwatch.CfnDashboard(this, 'Dashboard', {
        dashboardName: props.dashboardName ?? (substitute(this.document.dashboard.name, values) as string),
        dashboardBody: substitute(JSON.stringify(this.document.dashboard.body), values) as string,
      });
    }
  }
}

/** Runs `lift ops EXECUTABLE --format json ARGS...` and returns its document; a failure throws with its message. */
export function runLiftOps(liftCli: string, executable: string, args: string[] = []): LiftOpsDocument {
  const argv = ['ops', executable, '--format', 'json', ...args];
  const result = spawnSync(liftCli, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`cannot run '${liftCli}' (${result.error.message}); set liftCli or LIFT_CLI`);
  if (result.status !== 0) {
    throw new Error(`${liftCli} ${argv.join(' ')} failed (exit ${result.status}): ${(result.stderr ?? '').trim()}`);
  }
  return JSON.parse(result.stdout) as LiftOpsDocument;
}

function readDocument(file: string): LiftOpsDocument {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as LiftOpsDocument;
}

function checkDocument(document: LiftOpsDocument, id: string): void {
  if (document?.version !== 1 || !Array.isArray(document.alarms) || typeof document.dashboard?.body !== 'object') {
    throw new Error(`LiftOps ${id}: not a version 1 lift ops document (lift ops FUNCTION --format json)`);
  }
  const ids = new Set<string>();
  for (const alarm of document.alarms) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(alarm.id ?? '') || ids.has(alarm.id)) throw new Error(`LiftOps ${id}: bad or repeated alarm id '${alarm.id}'`);
    ids.add(alarm.id);
  }
}

// A placeholder alone becomes the value itself (a token); a string with placeholders a Fn::Sub
// (other "${" escaped as "${!"); objects and arrays member by member.
function substitute(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === 'string') {
    if (!PLACEHOLDER.test(value)) return value;
    const alone = /^\$\{([^}]+)\}$/.exec(value);
    if (alone && alone[1] in values) return values[alone[1]];
    const escaped = value.replace(/\$\{(?!(FunctionName|DeadLetterQueueName|AWS::Region)\})/g, '${!');
    const variables: Record<string, string> = {};
    for (const [name, v] of Object.entries(values)) if (name !== 'AWS::Region' && escaped.includes(`\${${name}}`)) variables[name] = v;
    return Fn.sub(escaped, variables);
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}
