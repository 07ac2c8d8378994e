// Generates src/manifest/manifest.gen.ts from schema/integration.schema.json.
// `node scripts/gen-types.mjs --check` exits 1 when the committed file is out of date.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

export async function generate() {
  const schema = JSON.parse(await readFile(new URL('../schema/integration.schema.json', import.meta.url), 'utf8'));
  return compile(schema, 'ZpiManifest', {
    bannerComment:
      '/* GENERATED from schema/integration.schema.json by `npm run gen:types` (json-schema-to-typescript). Do not edit. */',
    additionalProperties: false,
    style: { singleQuote: true },
  });
}

const target = new URL('../src/manifest/manifest.gen.ts', import.meta.url);
if (import.meta.url === `file://${process.argv[1]}`) {
  const ts = await generate();
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== ts) {
      console.error('src/manifest/manifest.gen.ts is out of date: run npm run gen:types');
      process.exit(1);
    }
  } else {
    await writeFile(target, ts);
  }
}
