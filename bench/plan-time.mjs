// Times the pure plan() on one generated org, in a process of its own (so neither the bench's heap
// nor a sandbox's weighs on it). Reads the live state through the built client from the running
// sandbox at URL, builds Desired with the built manifest loader, then calls plan() several times and
// prints JSON.
//
//   node bench/plan-time.mjs URL MANIFEST.yaml [RUNS]

import { readFileSync } from 'node:fs';

const [url, manifestFile, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 9);
const dist = new URL('../dist/', import.meta.url);
const { parseManifest } = await import(new URL('manifest/index.js', dist).href);
const { plan } = await import(new URL('plan/index.js', dist).href);
const { createZohoProvider } = await import(new URL('provider/index.js', dist).href);
const { fingerprint } = await import(new URL('model/fingerprint.js', dist).href);
const { renderManifestDiff } = await import(new URL('render/render-diff.js', dist).href);

const parsed = parseManifest(readFileSync(manifestFile), manifestFile);
if (!parsed.desired) throw new Error(`manifest does not load: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
const desired = parsed.desired;

const provider = createZohoProvider({ endpoint: url, credentials: { clientId: 'sandbox', clientSecret: 'sandbox', refreshToken: 'sandbox' } });
const live = await provider.read();

const ctx = {
  target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: 'sandbox', endpoint: 'http://127.0.0.1' },
  options: { allowDestructive: true, maxRevokePct: 25 },
};
// The first call runs cold (the JIT has seen none of this code); it is reported on its own. Two more
// calls warm up before the timed ones, as in any benchmark of a function.
const t0 = performance.now();
let result = plan(desired, live, ctx);
const firstMs = performance.now() - t0;
for (let i = 0; i < 2; i++) plan(desired, live, ctx);
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  result = plan(desired, live, ctx);
  times.push(performance.now() - t0);
}
const fpTimes = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  fingerprint(live);
  fpTimes.push(performance.now() - t0);
}
// `zpi plan --diff`: the canonical live settings against the manifest's, as a unified diff (aligned by
// what each line describes: linear however many lines change; a plain line diff is quadratic here).
const manifestDiffTimes = [];
let manifestDiffLines = 0;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  manifestDiffLines = renderManifestDiff(live, desired).split('\n').length;
  manifestDiffTimes.push(performance.now() - t0);
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    users: live.users.length,
    steps: result.steps.length,
    accessChanges: result.access.length,
    firstMs,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    minMs: sorted[0],
    // plan() hashes what it read of the live state itself: the rest is the diff.
    diffMedianMs: Math.max(0, sorted[Math.floor(sorted.length / 2)] - med(fpTimes)),
    fingerprintMedianMs: med(fpTimes),
    manifestDiffMedianMs: med(manifestDiffTimes),
    manifestDiffLines,
    runs,
  })}\n`,
);
