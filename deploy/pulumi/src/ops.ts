import * as pulumi from '@pulumi/pulumi';

/**
 * The document `lift ops FUNCTION --format json` prints: the alarms and the dashboard that fit
 * the function's routes and the metrics lift's observability middleware writes. Alarm
 * properties are spelled as CloudFormation's AWS::CloudWatch::Alarm spells them.
 */
export interface LiftOpsDocument {
  version: 1;
  service: string;
  namespace: string;
  alarms: LiftOpsAlarm[];
  dashboard?: { name: string; body: Record<string, unknown> };
}

export interface LiftOpsAlarm {
  /** PascalCase, unique in the document: the alarm's resource name. */
  id: string;
  kind: string;
  route?: string;
  /** Whether a canary deployment rolls back when the alarm fires. */
  rollback: boolean;
  properties: Record<string, unknown>;
}

/** The values of the placeholders the document may hold, known at deployment. */
export interface OpsPlaceholders {
  FunctionName: pulumi.Input<string>;
  'AWS::Region': pulumi.Input<string>;
  DeadLetterQueueName?: pulumi.Input<string>;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

function fail(owner: string, where: string, message: string): never {
  throw new Error(`${owner}: ops document: ${where}: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks a document's shape; everything the deployment relies on is named in the error. */
export function parseOpsDocument(owner: string, value: unknown): LiftOpsDocument {
  if (!isObject(value)) fail(owner, 'document', 'not a JSON object');
  if (value.version !== 1) fail(owner, 'version', `unsupported version ${JSON.stringify(value.version)} (this component reads version 1)`);
  for (const key of ['service', 'namespace'])
    if (typeof value[key] !== 'string' || value[key] === '') fail(owner, key, 'missing or not a string');
  if (!Array.isArray(value.alarms)) fail(owner, 'alarms', 'missing or not an array');
  const ids = new Set<string>();
  value.alarms.forEach((alarm: unknown, i: number) => {
    const where = `alarms[${i}]`;
    if (!isObject(alarm)) fail(owner, where, 'not an object');
    if (typeof alarm.id !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(alarm.id)) fail(owner, `${where}.id`, `${JSON.stringify(alarm.id)} is not a PascalCase id`);
    if (ids.has(alarm.id)) fail(owner, `${where}.id`, `${alarm.id} appears twice`);
    ids.add(alarm.id);
    if (typeof alarm.kind !== 'string' || alarm.kind === '') fail(owner, `${where}.kind`, 'missing or not a string');
    if (alarm.route !== undefined && typeof alarm.route !== 'string') fail(owner, `${where}.route`, 'not a string');
    if (typeof alarm.rollback !== 'boolean') fail(owner, `${where}.rollback`, 'missing or not true/false');
    if (!isObject(alarm.properties)) fail(owner, `${where}.properties`, 'missing or not an object');
  });
  if (value.dashboard !== undefined) {
    const d = value.dashboard;
    if (!isObject(d)) fail(owner, 'dashboard', 'not an object');
    if (typeof d.name !== 'string' || d.name === '') fail(owner, 'dashboard.name', 'missing or not a string');
    if (!isObject(d.body)) fail(owner, 'dashboard.body', 'missing or not an object');
  }
  return value as unknown as LiftOpsDocument;
}

/**
 * Replaces the placeholders of one string. Unknown placeholders are errors: a name CloudWatch
 * would take literally is a broken alarm nobody notices.
 */
export function substitute(owner: string, where: string, text: string, values: OpsPlaceholders): pulumi.Input<string> {
  const parts: pulumi.Input<string>[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1];
    const replacement = (values as unknown as Record<string, pulumi.Input<string> | undefined>)[name];
    if (!['FunctionName', 'AWS::Region', 'DeadLetterQueueName'].includes(name)) {
      fail(owner, where, `unknown placeholder \${${name}} (only \${FunctionName}, \${AWS::Region} and \${DeadLetterQueueName})`);
    }
    if (replacement === undefined) {
      fail(owner, where, `\${${name}} needs a value: give the component deadLetterQueueName`);
    }
    parts.push(text.slice(last, match.index), replacement);
    last = (match.index ?? 0) + match[0].length;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(last));
  return pulumi.all(parts).apply((p) => p.join(''));
}

/** Every string inside a JSON value with its placeholders replaced (the result's Inputs are deep). */
export function substituteDeep(owner: string, where: string, value: unknown, values: OpsPlaceholders): unknown {
  if (typeof value === 'string') return substitute(owner, where, value, values);
  if (Array.isArray(value)) return value.map((v, i) => substituteDeep(owner, `${where}[${i}]`, v, values));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteDeep(owner, `${where}.${k}`, v, values);
    return out;
  }
  return value;
}

type Converter = (value: unknown, where: string) => [string, unknown];

function dimensionsOf(owner: string): Converter {
  return (value, where) => {
    if (!Array.isArray(value)) fail(owner, where, 'Dimensions is not an array');
    const out: Record<string, unknown> = {};
    value.forEach((d, i) => {
      if (!isObject(d) || typeof d.Name !== 'string') fail(owner, `${where}[${i}]`, 'a dimension needs Name and Value');
      if (d.Value === undefined) fail(owner, `${where}[${i}]`, 'a dimension needs Name and Value');
      out[d.Name] = d.Value;
    });
    return ['dimensions', out];
  };
}

function renamed(name: string): Converter {
  return (value) => [name, value];
}

function convert(owner: string, where: string, value: unknown, table: Record<string, Converter>): Record<string, unknown> {
  if (!isObject(value)) fail(owner, where, 'not an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const converter = table[key];
    if (converter === undefined) fail(owner, `${where}.${key}`, 'not an AWS::CloudWatch::Alarm property this component knows');
    const [name, converted] = converter(v, `${where}.${key}`);
    out[name] = converted;
  }
  return out;
}

/**
 * AWS::CloudWatch::Alarm properties (CloudFormation's names) as `aws.cloudwatch.MetricAlarm`
 * arguments. Each property is mapped, none dropped: one the table does not know is an error.
 */
export function metricAlarmArgs(owner: string, where: string, properties: Record<string, unknown>): Record<string, unknown> {
  const metric = convert.bind(null, owner);
  const metricTable: Record<string, Converter> = {
    Namespace: renamed('namespace'),
    MetricName: renamed('metricName'),
    Dimensions: dimensionsOf(owner),
  };
  const metricStatTable: Record<string, Converter> = {
    Metric: (v, w) => ['metric', metric(w, v, metricTable)],
    Period: renamed('period'),
    Stat: renamed('stat'),
    Unit: renamed('unit'),
  };
  const queryTable: Record<string, Converter> = {
    Id: renamed('id'),
    Expression: renamed('expression'),
    Label: renamed('label'),
    ReturnData: renamed('returnData'),
    Period: renamed('period'),
    AccountId: renamed('accountId'),
    MetricStat: (v, w) => {
      const stat = metric(w, v, metricStatTable) as { metric?: Record<string, unknown> };
      // Pulumi's metric query holds the metric and its statistic in one block.
      const { metric: inner, ...rest } = stat;
      return ['metric', { ...(inner ?? {}), ...rest }];
    },
  };
  const alarmTable: Record<string, Converter> = {
    AlarmName: renamed('name'),
    AlarmDescription: renamed('alarmDescription'),
    ActionsEnabled: renamed('actionsEnabled'),
    AlarmActions: renamed('alarmActions'),
    OKActions: renamed('okActions'),
    InsufficientDataActions: renamed('insufficientDataActions'),
    Namespace: renamed('namespace'),
    MetricName: renamed('metricName'),
    Dimensions: dimensionsOf(owner),
    Statistic: renamed('statistic'),
    ExtendedStatistic: renamed('extendedStatistic'),
    Unit: renamed('unit'),
    Period: renamed('period'),
    EvaluationPeriods: renamed('evaluationPeriods'),
    DatapointsToAlarm: renamed('datapointsToAlarm'),
    Threshold: renamed('threshold'),
    ThresholdMetricId: renamed('thresholdMetricId'),
    ComparisonOperator: renamed('comparisonOperator'),
    TreatMissingData: renamed('treatMissingData'),
    EvaluateLowSampleCountPercentile: renamed('evaluateLowSampleCountPercentile'),
    Metrics: (v, w) => {
      if (!Array.isArray(v)) fail(owner, w, 'Metrics is not an array');
      return ['metricQueries', v.map((q, i) => metric(`${w}[${i}]`, q, queryTable))];
    },
  };
  const args = convert(owner, where, properties, alarmTable);
  if (args.evaluationPeriods === undefined) fail(owner, where, 'EvaluationPeriods is required');
  if (args.comparisonOperator === undefined) fail(owner, where, 'ComparisonOperator is required');
  if (args.metricQueries === undefined && args.metricName === undefined) fail(owner, where, 'needs MetricName or Metrics');
  return args;
}
