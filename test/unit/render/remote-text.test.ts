/**
 * Hostile remotes: an org, profile, portal or user whose name holds terminal escape sequences (clear
 * screen, retitle the window), a bell, a carriage return or a bidi override. No renderer may print
 * one raw: the text plan, the Markdown comment, the manual Setup instructions, apply's progress and
 * closing lines, and the JSON plan. They show the characters escaped instead, and in Markdown a name
 * cannot end a table cell, a code span or the <details> fold.
 */
import { describe, expect, it } from 'vitest';
import type { ApplyEvent, ApplyResult } from '../../../src/apply/index.js';
import { formatStepLine, formatSummary } from '../../../src/render/apply-progress.js';
import type { StepRef } from '../../../src/model/apply-events.js';
import type { Plan } from '../../../src/model/plan.js';
import { plan } from '../../../src/plan/index.js';
import { runbookBlocks } from '../../../src/model/runbook.js';
import { planDocument, printedSteps } from '../../../src/model/plan-document.js';
import { blockInstructions, MARKDOWN_MARKER, renderJson, renderMarkdown, renderText } from '../../../src/render/index.js';
import { escapeStrings, markdownText } from '../../../src/render/safe-text.js';
import { ALL, desired, liveOrg, planCtx, PORTALS, PROFILES } from '../../helpers/builders.js';

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;title\x07';
const BELL = '\x07';
const CR = '\r';
const RLO = '\u202e';
const ISOLATE = '\u2066';

const ORG = `Acme${CLEAR}${TITLE}${CR}Corp`;
const PROFILE = `Sales${TITLE}</details><!-- zpi-plan -->|x\`y${RLO}`;
const PORTAL = `evil${CLEAR}portal${ISOLATE}`;
// liveUser lower-cases emails, so the hostile parts are lower-case (a clear-screen all the same).
const EVE = `eve\x1b[2j${BELL}@acme.com`;
const MAL = `mal${RLO}moc.emca@acme.com`;
const OWNER = `owner${TITLE}@acme.com`;
const WARNING = `integration.yaml:9:3: profile ${PROFILE} is not listed${CR}${CLEAR}`;

/** Any character a terminal may act on, but the newline that ends each line. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function ctx(endpointKind: 'sandbox' | 'zoho' = 'sandbox') {
  const c = planCtx({ endpointKind, allowDestructive: true });
  c.target.org.name = ORG;
  return c;
}

function live(readable: boolean) {
  return liveOrg({
    users: [{ email: EVE, profile: PROFILE }, MAL, 'alice@acme.com'],
    profiles: [...PROFILES, PROFILE],
    portals: [...PORTALS, { id: '7003', name: PORTAL, ownerEmail: OWNER }],
    integration: readable
      ? { users: ['alice@acme.com', MAL], profilePermissions: { [PROFILE]: ['view', 'create'] }, userPermissions: { [MAL]: ALL } }
      : null,
    links: { Accounts: 3, Contacts: 2, Deals: 1 },
  });
}

/** A portal swap to the hostile portal, the hostile profile changed, eve granted, mal revoked. */
function hostilePlan(): Plan {
  const d = desired({
    portal: { name: PORTAL, zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: OWNER },
    profiles: { [PROFILE]: ['view'] },
    users: [EVE, { email: 'alice@acme.com', permissions: ['view'] }],
    warnings: [WARNING],
  });
  return plan(d, live(true), ctx());
}

/** The same against real Zoho: every step manual, with Setup instructions. */
function hostileManualPlan(): Plan {
  const d = desired({
    portal: { name: PORTAL, zscKeyVar: 'ZPI_ZSC_KEY', zscEmail: OWNER },
    profiles: { [PROFILE]: ['view'] },
    users: [EVE, { email: MAL, permissions: ['view', 'edit'] }],
    warnings: [WARNING],
  });
  return plan(d, live(false), ctx('zoho'));
}

function expectEscaped(out: string): void {
  expect(out).not.toMatch(RAW);
  expect(out).toContain('\\u001b[2J');
  expect(out).toContain('\\u001b]0;title\\u0007');
}

describe('remote text in the text plan', () => {
  it('the hostile plans have the steps this test means to cover', () => {
    expect(hostilePlan().steps.map((s) => s.kind)).toEqual([
      'change-portal',
      'set-profile-permissions',
      'grant-user',
      'grant-user',
    ]);
    expect(hostileManualPlan().manual).toBe(true);
    expect(printedSteps(hostileManualPlan()).every((s) => s.manual)).toBe(true);
  });

  it('prints no raw control character and shows each escaped: header, steps, notes, access, warnings', () => {
    for (const p of [hostilePlan(), hostileManualPlan()]) {
      const out = renderText(p, { color: false, header: `zpi plan · integration.yaml → ${ORG} (org 1)`, readSummary: `Read${BELL} 3 users` });
      expectEscaped(out);
      expect(out).toContain('\\u202e'); // the bidi override, visible
      expect(out).toContain('\\r');
      expect(out).toContain('Acme\\u001b[2J\\u001b]0;title\\u0007\\rCorp');
    }
  });

  it('with colour on, the only escape sequences are its own colours', () => {
    const out = renderText(hostilePlan(), { color: true, header: ORG });
    expect(out).toMatch(/\x1b\[\d+m/);
    expect(out.replace(/\x1b\[\d+m/g, '')).not.toMatch(RAW);
  });

  it('escapes a plan with nothing to change, its warnings and file name too', () => {
    const d = desired({ file: `m${CLEAR}.yaml`, portal: { name: 'acme-projects' }, warnings: [WARNING] });
    const out = renderText(plan(d, liveOrg(), ctx()), { color: false, header: ORG });
    expect(out).not.toMatch(RAW);
    expect(out).toContain('No changes. Live state matches m\\u001b[2J.yaml.');
  });
});

describe('remote text in manual Setup instructions', () => {
  it('escapes portal, profile, email and zscEmail in every instruction', () => {
    const lines = runbookBlocks(hostileManualPlan()).flatMap((b) => blockInstructions(b));
    const text = lines.join('\n');
    expectEscaped(text);
    expect(text).toContain(`Choose the portal evil\\u001b[2Jportal\\u2066.`);
    expect(text).toMatch(/^ {2}eve\\u001b\[2j\\u0007@acme\.com$/m);
  });
});

describe('remote text in the Markdown plan', () => {
  /** The lines outside fenced code blocks: where Markdown and HTML are interpreted. */
  function prose(md: string): string[] {
    const out: string[] = [];
    let fenced = false;
    for (const line of md.split('\n')) {
      if (line.startsWith('```')) fenced = !fenced;
      else if (!fenced) out.push(line);
    }
    return out;
  }

  it('prints no raw control character', () => {
    for (const p of [hostilePlan(), hostileManualPlan()]) expectEscaped(renderMarkdown(p));
  });

  it('a name cannot end the fold, add a marker, or open HTML: < and > are escaped outside code', () => {
    for (const p of [hostilePlan(), hostileManualPlan()]) {
      const md = renderMarkdown(p);
      const lines = prose(md);
      // Our own tags only: each fold opens and closes once, the marker is the last line.
      const html = lines.join('\n').match(/(?<!\\)<[^>]*>/g) ?? [];
      expect(html.every((t) => /^<\/?details>$|^<summary>$|^<\/summary>$|^<details><summary>$/.test(t) || t === MARKDOWN_MARKER)).toBe(true);
      expect(lines.filter((l) => l === '</details>').length).toBe(lines.filter((l) => l.startsWith('<details>')).length);
      expect(lines.filter((l) => l.includes(MARKDOWN_MARKER))).toEqual([MARKDOWN_MARKER]);
      expect(md.trimEnd().endsWith(MARKDOWN_MARKER)).toBe(true);
      expect(md).toContain('Sales\\\\u001b\\]0;title\\\\u0007\\</details\\>\\<!-- zpi-plan --\\>\\|x\\`y\\\\u202e');
    }
  });

  it('a name cannot end a table cell: every row has exactly four cells', () => {
    const lines = prose(renderMarkdown(hostilePlan()));
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| User'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
    expect(rows.some((r) => r.includes('profile Sales'))).toBe(true);
  });

  it('the manifest name stays one code span, whatever backticks it holds', () => {
    const d = desired({ file: 'a`b``c.yaml', portal: { name: 'acme-projects' } });
    const md = renderMarkdown(plan(d, liveOrg(), ctx()));
    expect(md).toContain('```a`b``c.yaml``` → Acme');
    expect(md).toContain('**No changes. Live state matches a\\`b\\`\\`c.yaml.**');
  });
});

describe('remote text in apply progress and the closing summary', () => {
  const ref = (target: string): StepRef => ({ stepId: `grant-user:${target}`, index: 2, total: 4, kind: 'grant-user', action: 'create', target });
  const zohoSays = `user ${EVE} cannot be granted${TITLE}`;

  it('escapes the step target and Zoho error messages in every progress line', () => {
    const events: ApplyEvent[] = [
      { type: 'step_done', manual: false, retries: 0, ms: 5, ...ref(EVE) },
      { type: 'step_done', manual: true, retries: 0, ms: 5, ...ref(PORTAL) },
      { type: 'step_failed', retries: 1, ms: 5, error: { code: `INVALID${BELL}`, message: zohoSays }, ...ref(EVE) },
      { type: 'step_retried', attempt: 2, retries: 1, stepIds: ['a', 'b'], error: { code: 'X', message: zohoSays }, ...ref(MAL) },
    ];
    for (const ev of events) {
      for (const color of [false, true]) {
        const line = formatStepLine(ev, { color }) ?? '';
        expect(line.replace(/\x1b\[\d+m/g, '')).not.toMatch(RAW);
      }
    }
    expect(formatStepLine(events[2]!)).toBe(
      '[2/4] + grant eve\\u001b[2j\\u0007@acme.com … failed: INVALID\\u0007: user eve\\u001b[2j\\u0007@acme.com cannot be granted\\u001b]0;title\\u0007 (1 retry, 0.0 s)',
    );
  });

  it('escapes the summary: the failed step, Zoho’s message, a stop message and the steps left', () => {
    const base: ApplyResult = { ok: false, done: [], remaining: [`grant-user:${EVE}`, `revoke-user:${MAL}`], counts: { added: 0, changed: 0, removed: 0 }, calls: 1, retries: 0, ms: 1 };
    const failed = formatSummary({ ...base, failed: { ...ref(EVE), code: 'INVALID', message: zohoSays } });
    const stopped = formatSummary({ ...base, stopped: { code: 'INTERRUPTED', message: `stopped${CLEAR}` } });
    const manual = formatSummary({ ...base, manualStop: { ...ref(PORTAL), reason: 'not-confirmed', steps: 1 } });
    for (const line of [failed, stopped, manual]) expect(line).not.toMatch(RAW);
    expect(failed).toContain('grant eve\\u001b[2j\\u0007@acme.com: INVALID: user eve');
    expect(stopped).toContain('Apply stopped: stopped\\u001b[2J. 0 steps completed, 2 steps left (grant-user:eve\\u001b[2j\\u0007@acme.com, revoke-user:mal\\u202emoc');
  });
});

describe('remote text in the JSON plan', () => {
  it('keeps every value, with C1, separators and bidi characters as \\u escapes', () => {
    const p = hostilePlan();
    const json = renderJson(p);
    expect(json).not.toMatch(RAW);
    // The printed plan: with its summary, apiCalls and each step's manual.
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(planDocument(p))));
    expect(renderJson({ ...p, warnings: ['a\u009b2Jb\u2028c'] })).toContain('"a\\u009b2Jb\\u2028c"');
  });
});

describe('the helpers', () => {
  it('escapeStrings copies only when something needs escaping, and keeps data keys as data', () => {
    const clean = { a: ['x', { b: 'y' }], n: 1 };
    expect(escapeStrings(clean)).toBe(clean);
    const dirty = JSON.parse('{"__proto__": {"k": "v\\u001b"}, "list": ["\\u202e"]}') as Record<string, unknown>;
    const out = escapeStrings(dirty);
    expect(Object.keys(out)).toEqual(['__proto__', 'list']);
    expect(out.list).toEqual(['\\u202e']);
    expect(({} as Record<string, unknown>).k).toBeUndefined();
  });

  it('markdownText escapes what Markdown and HTML act on, after the controls', () => {
    expect(markdownText('a|b`c<d>[e](f)*g\\h')).toBe('a\\|b\\`c\\<d\\>\\[e\\](f)\\*g\\\\h');
    expect(markdownText('x\x1by')).toBe('x\\\\u001by');
  });
});
