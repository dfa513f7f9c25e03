// Validates what `lift ops` prints against CloudFormation's own resource definitions and
// CloudWatch's rules, with ajv:
//  - AWS::CloudWatch::Alarm and AWS::CloudWatch::Dashboard: a JSON Schema built from the AWS
//    service spec database (@aws-cdk/aws-service-spec, the CloudFormation registry schemas as
//    the CDK generates its L1 constructs from them): property names, types, nested types,
//    required properties, nothing unknown;
//  - the values CloudWatch's PutMetricAlarm reference enumerates, which the registry leaves as
//    plain strings (ComparisonOperator, Statistic, TreatMissingData, ExtendedStatistic's
//    pNN form), the parameters it requires of a metric alarm, and the rules it states in words (MetricName or Metrics, one query returning
//    data, ids starting with a lower-case letter, expressions naming defined ids);
//  - the dashboard body: the structure of CloudWatch's "Dashboard Body Structure and Syntax"
//    (widgets with type, x, y, width, height on the 24-column grid, metric widgets' metrics
//    arrays of [namespace, name, dimension name, value, ..., {rendering}] or [{expression}]).
// Reads {"json": <ops document>, "cloudformation": <template fragment>} on stdin; prints
// {"valid": bool, "errors": [...], "checked": {...}}; exit 0 when valid, 1 when not, 3 when
// the npm packages it needs are missing.
'use strict';

const fs = require('fs');

let Ajv;
let loadAwsServiceSpecSync;
try {
  Ajv = require('ajv');
  ({ loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec'));
} catch (e) {
  console.log(JSON.stringify({ unavailable: e.message.split('\n')[0] }));
  process.exit(3);
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const db = loadAwsServiceSpecSync();
const errors = [];
const checked = { alarms: 0, dashboards: 0, widgets: 0 };

// The service spec's property types as JSON Schema.
function typeSchema(type, definitions) {
  switch (type.type) {
    case 'string':
    case 'date-time':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'integer':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'json':
      return {};
    case 'tag':
      return { type: 'object', required: ['Key', 'Value'], properties: { Key: { type: 'string' }, Value: { type: 'string' } }, additionalProperties: false };
    case 'array':
      return { type: 'array', items: typeSchema(type.element, definitions) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(type.element, definitions) };
    case 'union':
      return { anyOf: type.types.map((t) => typeSchema(t, definitions)) };
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference.$ref);
      if (!definitions[definition.name]) {
        definitions[definition.name] = {};  // placeholder against recursion
        definitions[definition.name] = objectSchema(definition.properties, definitions);
      }
      return { $ref: `#/definitions/${definition.name}` };
    }
    default:
      throw new Error(`unknown service spec type ${JSON.stringify(type)}`);
  }
}

function objectSchema(properties, definitions) {
  const schema = { type: 'object', properties: {}, required: [], additionalProperties: false };
  for (const [name, property] of Object.entries(properties)) {
    const types = [property.type, ...(property.previousTypes ?? [])];
    schema.properties[name] = types.length === 1 ? typeSchema(types[0], definitions) : { anyOf: types.map((t) => typeSchema(t, definitions)) };
    if (property.required) schema.required.push(name);
  }
  return schema;
}

function resourceSchema(cloudFormationType) {
  const resource = db.lookup('resource', 'cloudFormationType', 'equals', cloudFormationType).only();
  const definitions = {};
  const schema = objectSchema(resource.properties, definitions);
  schema.definitions = definitions;
  return schema;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const alarmSchema = resourceSchema('AWS::CloudWatch::Alarm');
const dashboardSchema = resourceSchema('AWS::CloudWatch::Dashboard');
// What PutMetricAlarm enumerates (the registry types these as strings).
alarmSchema.properties.ComparisonOperator.enum = [
  'GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold',
];
alarmSchema.properties.Statistic.enum = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
alarmSchema.properties.TreatMissingData.enum = ['breaching', 'notBreaching', 'ignore', 'missing'];
// PutMetricAlarm requires these of a metric alarm (the registry marks none required, since an
// alarm may now be a PromQL one instead).
alarmSchema.required = [...new Set([...alarmSchema.required, 'ComparisonOperator', 'EvaluationPeriods'])];
alarmSchema.properties.ExtendedStatistic.pattern = '^p(\\d{1,2}(\\.\\d{1,10})?|100)$';
alarmSchema.properties.Period.multipleOf = 60;
alarmSchema.properties.EvaluationPeriods.minimum = 1;
alarmSchema.properties.AlarmName.maxLength = 255;
alarmSchema.definitions.Dimension.properties.Value.minLength = 1;
alarmSchema.definitions.Dimension.properties.Value.maxLength = 1024;
const validateAlarm = ajv.compile(alarmSchema);
const validateDashboard = ajv.compile(dashboardSchema);

// CloudWatch's dashboard body structure.
const metricRow = {
  type: 'array',
  minItems: 1,
  anyOf: [
    // [{expression, id, label, ...}]
    { maxItems: 1, items: [{ type: 'object', required: ['expression'], properties: { expression: { type: 'string' }, id: { type: 'string', pattern: '^[a-z][A-Za-z0-9_]*$' } } }] },
    // [namespace, name, dimension name, dimension value, ..., {rendering}]
    {
      minItems: 2,
      items: [{ type: 'string', minLength: 1 }, { type: 'string', minLength: 1 }],
      additionalItems: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }] },
    },
  ],
};
const rendering = {
  type: 'object',
  properties: {
    stat: { type: 'string', pattern: '^(SampleCount|Average|Sum|Minimum|Maximum|p\\d{1,2}(\\.\\d+)?|p100)$' },
    id: { type: 'string', pattern: '^[a-z][A-Za-z0-9_]*$' },
    yAxis: { enum: ['left', 'right'] },
    visible: { type: 'boolean' },
    label: { type: 'string' },
  },
};
const validateBody = ajv.compile({
  type: 'object',
  required: ['widgets'],
  properties: {
    widgets: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['type', 'properties'],
        additionalProperties: false,
        properties: {
          type: { enum: ['metric', 'text', 'log', 'alarm', 'explorer'] },
          x: { type: 'integer', minimum: 0, maximum: 23 },
          y: { type: 'integer', minimum: 0 },
          width: { type: 'integer', minimum: 1, maximum: 24 },
          height: { type: 'integer', minimum: 1, maximum: 1000 },
          properties: {
            type: 'object',
            required: ['metrics', 'region'],
            properties: {
              metrics: { type: 'array', minItems: 1, items: metricRow },
              region: { type: 'string', minLength: 1 },
              title: { type: 'string' },
              view: { enum: ['timeSeries', 'singleValue', 'gauge', 'bar', 'pie', 'table'] },
              stacked: { type: 'boolean' },
              period: { type: 'integer', multipleOf: 60 },
              stat: rendering.properties.stat,
              yAxis: { type: 'object' },
              annotations: {
                type: 'object',
                properties: { horizontal: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: { type: 'number' } } } } },
              },
            },
          },
        },
      },
    },
  },
});

const report = (where, validate) => {
  for (const e of validate.errors ?? []) errors.push(`${where}${e.instancePath}: ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
};

// What CloudWatch says in words about an alarm's shape.
function checkAlarmRules(where, p) {
  const single = ['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic', 'Period', 'Dimensions', 'Unit'].filter((k) => k in p);
  if (p.Metrics) {
    if (single.length) errors.push(`${where}: Metrics with ${single.join(', ')}`);
    const ids = new Set(p.Metrics.map((m) => m.Id));
    if (ids.size !== p.Metrics.length) errors.push(`${where}: duplicate metric ids`);
    if (p.Metrics.filter((m) => m.ReturnData !== false).length !== 1) errors.push(`${where}: not exactly one query returns data`);
    for (const m of p.Metrics) {
      if (!/^[a-z][A-Za-z0-9_]*$/.test(m.Id)) errors.push(`${where}: metric id ${m.Id}`);
      if (!!m.Expression === !!m.MetricStat) errors.push(`${where}: ${m.Id} needs an Expression or a MetricStat`);
      if (m.MetricStat) {
        if (!m.MetricStat.Metric.Namespace || !m.MetricStat.Metric.MetricName) errors.push(`${where}: ${m.Id} without namespace or name`);
        if (m.MetricStat.Period % 60 !== 0) errors.push(`${where}: ${m.Id} period`);
      }
      if (m.Expression) {
        for (const name of m.Expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? []) {
          if (!ids.has(name) && !['IF', 'FILL'].includes(name.toUpperCase())) errors.push(`${where}: ${m.Id} names ${name}, which is not a query`);
        }
      }
    }
  } else {
    if (!p.MetricName || !p.Namespace) errors.push(`${where}: neither Metrics nor MetricName and Namespace`);
    if (!!p.Statistic === !!p.ExtendedStatistic) errors.push(`${where}: needs Statistic or ExtendedStatistic, not both`);
    if (p.Period === undefined) errors.push(`${where}: no Period`);
  }
  if ((p.Threshold === undefined) === (p.ThresholdMetricId === undefined)) errors.push(`${where}: needs Threshold or ThresholdMetricId`);
  if (p.DatapointsToAlarm !== undefined && p.DatapointsToAlarm > p.EvaluationPeriods) errors.push(`${where}: DatapointsToAlarm > EvaluationPeriods`);
  if (!p.Metrics && p.Period * p.EvaluationPeriods > 86400) errors.push(`${where}: evaluates more than a day`);
}

function checkBody(where, body) {
  checked.dashboards += 1;
  if (!validateBody(body)) report(where, validateBody);
  const taken = new Set();
  for (const [i, w] of (body.widgets ?? []).entries()) {
    checked.widgets += 1;
    if (w.x + w.width > 24) errors.push(`${where}/widgets/${i}: wider than the 24-column grid`);
    for (let x = w.x; x < w.x + w.width; x++)
      for (let y = w.y; y < w.y + w.height; y++) {
        if (taken.has(`${x},${y}`)) errors.push(`${where}/widgets/${i}: overlaps another widget at ${x},${y}`);
        taken.add(`${x},${y}`);
      }
    for (const [j, row] of (w.properties?.metrics ?? []).entries()) {
      const strings = row.filter((item) => typeof item === 'string');
      if (strings.length >= 2 && strings.length % 2 !== 0) errors.push(`${where}/widgets/${i}/metrics/${j}: a dimension without a value`);
      const last = row[row.length - 1];
      if (typeof last === 'object' && !last.expression) {
        const validateRendering = ajv.compile(rendering);
        if (!validateRendering(last)) report(`${where}/widgets/${i}/metrics/${j}`, validateRendering);
      }
      row.slice(0, -1).forEach((item) => typeof item === 'object' && errors.push(`${where}/widgets/${i}/metrics/${j}: options before the end`));
    }
  }
}

// The ops document: alarms' properties as they are (placeholders are strings).
const ops = input.json;
for (const [i, alarm] of ops.alarms.entries()) {
  const where = `json/alarms/${i}`;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(alarm.id)) errors.push(`${where}: id ${alarm.id} is not PascalCase`);
  if (typeof alarm.rollback !== 'boolean') errors.push(`${where}: rollback`);
  checked.alarms += 1;
  if (!validateAlarm(alarm.properties)) report(where, validateAlarm);
  checkAlarmRules(where, alarm.properties);
}
if (new Set(ops.alarms.map((a) => a.id)).size !== ops.alarms.length) errors.push('json: duplicate alarm ids');
checkBody('json/dashboard/body', ops.dashboard.body);

// The template fragment: intrinsics resolved with example values, then the same schemas.
const values = { FunctionName: 'todo-api-fn', DeadLetterQueueName: 'todo-dlq', 'AWS::Region': 'eu-west-1' };
const fragment = input.cloudformation;
for (const [name, p] of Object.entries(fragment.Parameters ?? {})) {
  if (p.Type !== 'String') errors.push(`cloudformation/Parameters/${name}: not a String`);
  if ('Default' in p) values[name] = p.Default;
}
const resources = fragment.Resources ?? {};
const resolve = (v, where) => {
  if (Array.isArray(v)) return v.map((x) => resolve(x, where));
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Ref') {
      if (!(v.Ref in values) && !(v.Ref in resources)) errors.push(`${where}: Ref to unknown ${v.Ref}`);
      return values[v.Ref] ?? `${v.Ref}-name`;
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub') {
      return v['Fn::Sub'].replace(/\$\{(!?)([^}]*)\}/g, (_, bang, name) => {
        if (bang) return '${' + name + '}';
        if (!(name in values)) errors.push(`${where}: \${${name}} is not a parameter`);
        return values[name] ?? '';
      });
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, where)]));
  }
  return v;
};
for (const [id, r] of Object.entries(resources)) {
  const where = `cloudformation/Resources/${id}`;
  if (!/^[A-Za-z0-9]+$/.test(id)) errors.push(`${where}: not a logical id`);
  const p = resolve(r.Properties, where);
  if (r.Type === 'AWS::CloudWatch::Alarm') {
    checked.alarms += 1;
    if (!validateAlarm(p)) report(where, validateAlarm);
    checkAlarmRules(where, p);
  } else if (r.Type === 'AWS::CloudWatch::Dashboard') {
    if (!validateDashboard(p)) report(where, validateDashboard);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(p.DashboardName ?? '')) errors.push(`${where}: DashboardName ${p.DashboardName}`);
    let body;
    try {
      body = JSON.parse(p.DashboardBody);
    } catch (e) {
      errors.push(`${where}: DashboardBody is not JSON once substituted: ${e.message}`);
      continue;
    }
    checkBody(`${where}/DashboardBody`, body);
  } else {
    errors.push(`${where}: unexpected type ${r.Type}`);
  }
}

console.log(JSON.stringify({ valid: errors.length === 0, errors, checked }));
process.exit(errors.length === 0 ? 0 : 1);
