#!/usr/bin/env node
// The command line as one file: dist/bundle/zpi.js, built from dist/cli/main.js (what tsc compiled)
// with its dependencies inlined. A fresh `zpi` process then reads one module instead of about 150
// (zpi's own, yaml's, commander's…), which was a third of a short command's start-up. The library
// entry (dist/index.js) stays as tsc wrote it. It sits one level under dist/, like every compiled
// module, so the paths they resolve from import.meta.url (package.json, schema/, examples/) still hold.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/bundle/zpi.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (yaml, commander, proper-lockfile) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __zpiCreateRequire } from 'node:module';\nconst require = __zpiCreateRequire(import.meta.url);" },
  legalComments: 'inline',
  logLevel: 'warning',
});
