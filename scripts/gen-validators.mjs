// Generates src/schema/*.gen.ts: the JSON Schemas of schema/ compiled by ajv ahead of time
// (ajv's standalone code), so a CLI run neither loads ajv's compiler nor compiles a schema (that was
// most of the start-up time of `zpi plan`: ~0.3 s). `node scripts/gen-validators.mjs --check` exits 1
// when the committed file is out of date (npm test runs it through test/unit/manifest/gen-types.test.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const read = async (name) => JSON.parse(await readFile(new URL(`../schema/${name}`, import.meta.url), 'utf8'));

/** The manifest schema with every $ref replaced by its definition (see schema-check.ts: errors are pushed, not concatenated). */
function inlineRefs(node, defs) {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, defs));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...rest } = node;
  if (typeof $ref === 'string') return inlineRefs(defs[$ref.replace('#/definitions/', '')], defs);
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'definitions' ? v : inlineRefs(v, defs)]));
}

export async function generate() {
  const integration = await read('integration.schema.json');
  const plan = await read('plan.schema.json');
  const record = await read('record.schema.json');
  const code = { source: true, esm: true, lines: false };
  // `format: date` (users[].expires) is checked for a real calendar day by schema-check.ts after
  // validation; here it only has to be accepted (the schema's pattern still applies).
  const manifest = new Ajv({ allErrors: true, strict: true, code, formats: { date: true } });
  const planAjv = new Ajv({ allErrors: true, strict: false, code });
  const recordAjv = new Ajv({ allErrors: false, strict: false, code });
  const stepsAjv = new Ajv({ allErrors: false, strict: false, code }).addSchema(plan);
  const parts = [
    ['validateManifest', standaloneCode(manifest, manifest.compile(inlineRefs(integration, integration.definitions)))],
    ['validatePlan', standaloneCode(planAjv, planAjv.compile(plan))],
    ['validateRecord', standaloneCode(recordAjv, recordAjv.compile(record))],
    ['validateSteps', standaloneCode(stepsAjv, stepsAjv.compile({ type: 'array', items: { $ref: 'https://zpi.dev/schema/plan.schema.json#/definitions/Step' } }))],
  ];
  return parts;
}

/** The files to write: src/schema/<name>.gen.ts → text. */
export async function generateFiles() {
  return (await generate()).map(([name, js]) => [
    `${name}.gen.ts`,
    // ajv's runtime helpers (unicode length, deep equality) are CommonJS: required, as the code expects.
    `// @ts-nocheck\n/* GENERATED from schema/ by \`npm run gen:validators\` (ajv standalone code). Do not edit. */\n` +
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${js.replace(/^"use strict";/, '')}\n`,
  ]);
}

const dir = new URL('../src/schema/', import.meta.url);
if (import.meta.url === `file://${process.argv[1]}`) {
  let stale = false;
  for (const [file, text] of await generateFiles()) {
    const target = new URL(file, dir);
    if (process.argv.includes('--check')) {
      const current = await readFile(target, 'utf8').catch(() => '');
      if (current !== text) stale = true;
    } else {
      await writeFile(target, text);
    }
  }
  if (stale) {
    console.error('src/schema/*.gen.ts is out of date: run npm run gen:validators');
    process.exit(1);
  }
}
