// Checks lift's EMF documents with independent tools and produces the reference output of AWS's
// own Node library for the same metrics.
//
// stdin: {"schema": path, "aws_schema": path or "", "documents": [text...],
//         "reference": {"namespace", "dimension_sets": [{name: value}], "timestamp",
//                       "metrics": [{"name", "value", "unit", "resolution"}], "properties": {}}}
// stdout: {"checks": [{"valid", "errors", "aws_valid"}...], "reference": [text...],
//          "reference_checks": [...]}
'use strict';

process.env.AWS_EMF_ENVIRONMENT = 'Local';  // stdout, no default dimensions from a platform
const fs = require('fs');
const Ajv = require('ajv');

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

// The specification's rules that a schema cannot state: every referenced dimension is a root
// member holding a string, every metric a root member holding a number or at most 100 numbers.
function ruleErrors(doc) {
  const errors = [];
  const directives = (doc._aws && doc._aws.CloudWatchMetrics) || [];
  for (const directive of directives) {
    for (const set of directive.Dimensions || []) {
      for (const name of set) {
        const value = doc[name];
        if (typeof value !== 'string') errors.push(`dimension ${name} is not a string root member`);
        else if (value.length > 1024) errors.push(`dimension ${name} is longer than 1024 characters`);
      }
    }
    for (const metric of directive.Metrics || []) {
      const value = doc[metric.Name];
      if (typeof value === 'number') continue;
      if (!Array.isArray(value)) errors.push(`metric ${metric.Name} is not a root member`);
      else if (value.length > 100) errors.push(`metric ${metric.Name} has more than 100 values`);
      else if (!value.every((v) => typeof v === 'number')) errors.push(`metric ${metric.Name} has a non-number value`);
    }
  }
  return errors;
}

function checker(schemaPath) {
  if (!schemaPath) return null;
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
}

function check(validate, awsValidate, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { valid: false, errors: [`not JSON: ${e.message}`], aws_valid: false };
  }
  const valid = validate(doc);
  const errors = (validate.errors || []).map((e) => `${e.instancePath} ${e.message}`).concat(ruleErrors(doc));
  return { valid: valid && errors.length === 0, errors, aws_valid: awsValidate ? awsValidate(doc) : null };
}

async function reference(spec) {
  const lines = [];
  const original = console.log;
  console.log = (line) => lines.push(String(line));
  try {
    const { createMetricsLogger, Unit, StorageResolution } = require('aws-embedded-metrics');
    const units = new Set(Object.values(Unit));
    const metrics = createMetricsLogger();
    metrics.setNamespace(spec.namespace);
    metrics.setDimensions(spec.dimension_sets, false);
    for (const m of spec.metrics) {
      if (!units.has(m.unit)) throw new Error(`unknown unit ${m.unit}`);
      metrics.putMetric(m.name, m.value, m.unit, m.resolution === 1 ? StorageResolution.High : StorageResolution.Standard);
    }
    for (const [key, value] of Object.entries(spec.properties || {})) metrics.setProperty(key, value);
    if (spec.timestamp) metrics.setTimestamp(new Date(spec.timestamp));
    await metrics.flush();
  } finally {
    console.log = original;
  }
  return lines;
}

(async () => {
  const input = JSON.parse(readStdin());
  const validate = checker(input.schema);
  const awsValidate = checker(input.aws_schema);
  const out = { checks: input.documents.map((d) => check(validate, awsValidate, d)) };
  if (input.reference) {
    out.reference = await reference(input.reference);
    out.reference_checks = out.reference.map((d) => check(validate, awsValidate, d));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
