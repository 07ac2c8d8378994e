// `npm start`: the quick start. Plans integration.yaml against a fresh sandbox, applies it, then shows
// that a second plan has nothing left to do. State lives in .zpi/quickstart/ and is reset each run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/zpi.js', import.meta.url));
rmSync(new URL('../.zpi/sandbox.json', import.meta.url), { force: true });
// The record of what apply did goes with the fresh sandbox under .zpi/, so the repository stays clean.
const record = '.zpi/quickstart.state.json';
rmSync(new URL(`../${record}`, import.meta.url), { force: true });
mkdirSync(new URL('../.zpi', import.meta.url), { recursive: true });
// The sandbox's portal acme-projects has this (sandbox-only) ZSC key; real keys come from your secrets.
const env = { ...process.env, ZPI_ZSC_KEY: process.env.ZPI_ZSC_KEY ?? 'zsc-7001-secret' };

function zpi(title, args) {
  console.log(`\n$ zpi ${args.join(' ')}    # ${title}`);
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

if (zpi('check the manifest', ['validate', 'integration.yaml']) !== 0) process.exit(1);
if (zpi('what would change', ['plan', '--sandbox', '--state', record]) !== 0) process.exit(1);
if (zpi('make it so', ['apply', '--sandbox', '--auto-approve', '--state', record]) !== 0) process.exit(1);
const again = zpi('plan again: nothing left to do', ['plan', '--sandbox', '--detailed-exitcode', '--state', record]);
process.exit(again === 0 ? 0 : 1);
