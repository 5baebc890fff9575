#!/usr/bin/env node
// validate.mjs SCHEMA_FILE JSON_FILE...
//
// Validates each JSON_FILE against SCHEMA_FILE with ajv. Every other schema in SCHEMA_FILE's folder
// that is written in the same JSON-Schema draft is loaded too, so that references between official
// schemas resolve offline (CycloneDX 1.6 refers to spdx.schema.json and jsf-0.82.schema.json by their
// $id). The draft is taken from the schema's "$schema": draft-04 (SARIF), draft-06/07 (CycloneDX,
// SPDX 2.3), 2019-09, 2020-12 (OpenVEX).
//
// Exit status: 0 every file is valid; 1 at least one file is invalid or not JSON; 2 usage or a
// schema that cannot be loaded or compiled.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const MAX_ERRORS_SHOWN = 40;

function usage(message) {
  if (message) console.error(`validate.mjs: ${message}`);
  console.error('usage: validate.mjs SCHEMA_FILE JSON_FILE...');
  process.exit(2);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// The draft a schema is written in, from its "$schema" URI.
function draftOf(schema) {
  const uri = String(schema.$schema || '');
  if (uri.includes('draft-04')) return 'draft-04';
  if (uri.includes('draft-06')) return 'draft-06';
  if (uri.includes('2019-09')) return '2019-09';
  if (uri.includes('2020-12')) return '2020-12';
  return 'draft-07';  // also the default when "$schema" is absent
}

function newAjv(draft) {
  const options = { strict: false, allErrors: true, validateFormats: true };
  let ajv;
  switch (draft) {
    case 'draft-04': {
      const Ajv04 = require('ajv-draft-04');
      ajv = new (Ajv04.default || Ajv04)(options);
      break;
    }
    case '2019-09': {
      const Ajv2019 = require('ajv/dist/2019');
      ajv = new (Ajv2019.default || Ajv2019)(options);
      break;
    }
    case '2020-12': {
      const Ajv2020 = require('ajv/dist/2020');
      ajv = new (Ajv2020.default || Ajv2020)(options);
      break;
    }
    default: {
      const Ajv = require('ajv');
      ajv = new (Ajv.default || Ajv)(options);
      if (draft === 'draft-06') {
        ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
      }
    }
  }
  const addFormats = require('ajv-formats');
  (addFormats.default || addFormats)(ajv);
  // Formats the official schemas use that ajv-formats does not define. Checked loosely rather than
  // ignored, so that the obvious mistakes (whitespace in a reference, an address without '@') fail.
  ajv.addFormat('iri-reference', (s) => !/[\s\u0000-\u001f\u007f]/u.test(s));
  ajv.addFormat('iri', (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/u.test(s));
  ajv.addFormat('idn-email', (s) => /^[^\s@]+@[^\s@]+$/u.test(s));
  ajv.addFormat('idn-hostname', (s) => s.length > 0 && !/[\s/@]/u.test(s));
  return ajv;
}

function formatError(e) {
  const where = e.instancePath === '' ? '(document root)' : e.instancePath;
  let text = `  ${where}: ${e.message}`;
  const p = e.params || {};
  if (p.allowedValues) text += ` [${p.allowedValues.slice(0, 8).join(', ')}${p.allowedValues.length > 8 ? ', …' : ''}]`;
  if (p.additionalProperty) text += ` ('${p.additionalProperty}')`;
  if (p.missingProperty) text += ` ('${p.missingProperty}')`;
  if (p.pattern) text += ` (pattern ${p.pattern})`;
  if (p.format) text += ` (format ${p.format})`;
  text += `   [schema ${e.schemaPath}]`;
  return text;
}

function main(argv) {
  if (argv.length < 2) usage();
  const [schemaFile, ...dataFiles] = argv;

  let schema;
  try {
    schema = readJson(schemaFile);
  } catch (err) {
    console.error(`validate.mjs: cannot load schema ${schemaFile}: ${err.message}`);
    process.exit(2);
  }
  const draft = draftOf(schema);
  const ajv = newAjv(draft);

  // Sibling schemas of the same draft, registered under their $id (or file name), so $refs resolve.
  const dir = path.dirname(path.resolve(schemaFile));
  const mainPath = path.resolve(schemaFile);
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!name.endsWith('.json') || file === mainPath) continue;
    let sibling;
    try {
      sibling = readJson(file);
    } catch {
      continue;  // not JSON: not a schema we need
    }
    if (typeof sibling !== 'object' || sibling === null || draftOf(sibling) !== draft) continue;
    if (!('$schema' in sibling) && !('$id' in sibling) && !('id' in sibling)) continue;
    const key = sibling.$id || sibling.id || name;
    if (ajv.getSchema(key)) continue;
    try {
      ajv.addSchema(sibling, key);
    } catch (err) {
      console.error(`validate.mjs: note: sibling schema ${name} not loaded: ${err.message}`);
    }
  }

  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    console.error(`validate.mjs: cannot compile schema ${schemaFile}: ${err.message}`);
    process.exit(2);
  }

  let failures = 0;
  for (const file of dataFiles) {
    let data;
    try {
      data = readJson(file);
    } catch (err) {
      console.error(`INVALID ${file}: not JSON: ${err.message}`);
      failures++;
      continue;
    }
    if (validate(data)) {
      console.log(`valid ${file} (${path.basename(schemaFile)})`);
      continue;
    }
    failures++;
    const errors = validate.errors || [];
    console.error(`INVALID ${file} against ${path.basename(schemaFile)}: ${errors.length} error(s)`);
    for (const e of errors.slice(0, MAX_ERRORS_SHOWN)) console.error(formatError(e));
    if (errors.length > MAX_ERRORS_SHOWN) console.error(`  … ${errors.length - MAX_ERRORS_SHOWN} more`);
  }
  process.exit(failures === 0 ? 0 : 1);
}

main(process.argv.slice(2));
