'use strict';
// The MNA SDK models as the pinned tencentcloud-sdk-nodejs declares them
// (mna_models.d.ts), read at run time so that the assertions follow the
// package, not a hand-copied list. assertModel checks that a reply object
// carries every field of the model with the declared type (recursively for
// nested models and arrays of models) and nothing else.

const assert = require('node:assert/strict');
const fs = require('node:fs');

const MODELS_DTS = require.resolve(
  'tencentcloud-sdk-nodejs/tencentcloud/services/mna/v20210119/mna_models.d.ts');

function parseModels(source) {
  const models = {};
  const interfaceRe = /export interface (\w+) \{([\s\S]*?)\n\}/g;
  for (let m = interfaceRe.exec(source); m; m = interfaceRe.exec(source)) {
    const fields = {};
    const body = m[2].replace(/\/\*[\s\S]*?\*\//g, '');
    for (const f of body.matchAll(/^\s*(\w+)(\??):\s*([^;]+);/gm)) {
      fields[f[1]] = { optional: f[2] === '?', type: f[3].trim() };
    }
    models[m[1]] = fields;
  }
  return models;
}

const MODELS = parseModels(fs.readFileSync(MODELS_DTS, 'utf8'));

function checkType(type, value, where) {
  const array = /^Array<(\w+)>$/.exec(type);
  if (array) {
    assert.ok(Array.isArray(value), `${where} must be an array, got ${JSON.stringify(value)}`);
    value.forEach((v, i) => checkType(array[1], v, `${where}[${i}]`));
    return;
  }
  if (type === 'string' || type === 'number' || type === 'boolean') {
    assert.equal(typeof value, type, `${where} must be a ${type}, got ${JSON.stringify(value)}`);
    if (type === 'number') assert.ok(Number.isFinite(value), `${where} must be finite`);
    return;
  }
  assert.ok(MODELS[type], `unknown SDK type ${type} at ${where}`);
  // eslint-disable-next-line no-use-before-define
  assertModel(type, value, where);
}

// Every field of `name` present with its declared type, and no other field.
function assertModel(name, obj, where = name) {
  const fields = MODELS[name];
  assert.ok(fields, `the SDK has no model ${name}`);
  assert.ok(obj !== null && typeof obj === 'object' && !Array.isArray(obj),
    `${where} must be an object, got ${JSON.stringify(obj)}`);
  assert.deepEqual(Object.keys(obj).sort(), Object.keys(fields).sort(),
    `${where} must carry exactly the fields of the SDK model ${name}`);
  for (const [field, { type }] of Object.entries(fields)) {
    checkType(type, obj[field], `${where}.${field}`);
  }
}

// A whole action reply: the fields of <Action>Response (incl. RequestId).
function assertResponse(action, res) {
  assertModel(`${action}Response`, res, `${action}Response`);
  assert.match(res.RequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
}

module.exports = { MODELS, assertModel, assertResponse };
