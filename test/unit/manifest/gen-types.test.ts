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
