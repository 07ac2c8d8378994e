import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('src/manifest/manifest.gen.ts', () => {
  it('is what `npm run gen:types` generates from schema/integration.schema.json', async () => {
    // Imported by URL: the script is plain .mjs with no type declarations.
    const script = new URL('../../../scripts/gen-types.mjs', import.meta.url).href;
    const { generate } = (await import(script)) as { generate: () => Promise<string> };
    const committed = readFileSync(new URL('../../../src/manifest/manifest.gen.ts', import.meta.url), 'utf8');
    expect(await generate(), 'manifest.gen.ts is out of date: run npm run gen:types').toBe(committed);
  });
});

describe('src/schema/*.gen.ts', () => {
  it('are what `npm run gen:validators` compiles from schema/ (ajv standalone code)', async () => {
    const script = new URL('../../../scripts/gen-validators.mjs', import.meta.url).href;
    const { generateFiles } = (await import(script)) as { generateFiles: () => Promise<[string, string][]> };
    for (const [file, text] of await generateFiles()) {
      const committed = readFileSync(new URL(`../../../src/schema/${file}`, import.meta.url), 'utf8');
      expect(text, `src/schema/${file} is out of date: run npm run gen:validators`).toBe(committed);
    }
  });
});
