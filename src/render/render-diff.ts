import { FILE_HEADERS_ONLY, formatPatch, type StructuredPatchHunk } from 'diff';
import { stringify } from 'yaml';
import type { Desired } from '../model/desired.js';
import { escapeControls } from '../model/errors.js';
import type { Live } from '../model/live.js';
import { normalizePermissions, type Permission } from '../model/permissions.js';

/**
 * `zpi plan --diff`: the live settings against the desired ones, both in ONE canonical manifest form
 * (DESIGN §4), so that only real differences make lines:
 *
 * - keys in a fixed order: org, state, portal (name, id), profiles, users (email, permissions);
 * - profiles sorted by name, and only the profiles the manifest manages (lists), on both sides; a
 *   managed profile without a live entry shows as `[]` (it has no permissions, as plan counts it);
 * - users sorted by email (lower-cased), each with `permissions:` when they have a per-user override;
 *   a user whose `expires` day is over is not listed (as plan counts them), and `expires` is not shown;
 * - permissions in view, create, edit, delete order;
 * - the portal by the fields the manifest names it by (name, id, or both); its credentials (zscKey,
 *   zscEmail) are not settings Zoho holds and are left out on both sides, and so are comments;
 * - a live integration that is not associated to a portal counts as no users and no permissions, as
 *   plan counts it; settings that cannot be read (real Zoho) show as nothing but the org.
 *
 * The lines are aligned by what they describe (a user's email, a profile's name), not by text: one
 * merge, linear in the number of lines however many changed (a line diff is quadratic when most did).
 */

/** The settings a manifest governs, in canonical order: both sides of `--diff`. */
export interface CanonicalSettings {
  org: string;
  /** Absent: the live settings could not be read. */
  state?: 'active' | 'deactivated';
  portal?: { name?: string; id?: string };
  /** Sorted by name. */
  profiles?: { name: string; permissions: Permission[] }[];
  /** Sorted by email; `permissions` is the per-user override, if any. */
  users?: { email: string; permissions?: Permission[] }[];
}

/** Code-unit order: the same on every machine and locale (as plan sorts). */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The portal fields `desired` names its portal by; both when it names none (deactivated). */
function portalFields(desired: Desired): { name: boolean; id: boolean } {
  const p = desired.state === 'active' ? desired.portal : undefined;
  if (!p || (p.name === undefined && p.id === undefined)) return { name: true, id: true };
  return { name: p.name !== undefined, id: p.id !== undefined };
}

/**
 * The manifest's settings in canonical form. With `now`, a user whose `expires` day (UTC) is over
 * counts as not listed (DESIGN §2); `expires` itself is no setting Zoho holds and is not shown.
 */
export function desiredSettings(desired: Desired, now?: Date): CanonicalSettings {
  const out: CanonicalSettings = { org: desired.org, state: desired.state };
  // A deactivated integration has no portal, profiles or users (DESIGN §2: ignored if given).
  if (desired.state !== 'active') return out;
  if (desired.portal) {
    const portal: CanonicalSettings['portal'] = {};
    if (desired.portal.name !== undefined) portal.name = desired.portal.name;
    if (desired.portal.id !== undefined) portal.id = desired.portal.id;
    out.portal = portal;
  }
  out.profiles = Object.keys(desired.profiles)
    .sort(byText)
    .map((name) => ({ name, permissions: normalizePermissions(desired.profiles[name]?.permissions ?? []) }));
  const today = now?.toISOString().slice(0, 10);
  out.users = desired.users
    .filter((u) => today === undefined || u.expires === undefined || u.expires >= today)
    .map((u) => (u.permissions === undefined ? { email: u.email.toLowerCase() } : { email: u.email.toLowerCase(), permissions: normalizePermissions(u.permissions) }))
    .sort((a, b) => byText(a.email, b.email));
  return out;
}

/**
 * The live settings in canonical form, shaped by `desired`: only the profiles it manages, and the
 * portal by the fields it names it by.
 */
export function liveSettings(live: Live, desired: Desired): CanonicalSettings {
  const out: CanonicalSettings = { org: live.org.id };
  const ig = live.integration;
  if (ig === null) return out;
  out.state = ig.status === 'active' ? 'active' : 'deactivated';
  // Not associated: nobody can use projects inside CRM, whatever else is stored (plan counts it empty).
  if (ig.status !== 'active' || ig.portal === null) return out;
  const fields = portalFields(desired);
  const portal: CanonicalSettings['portal'] = {};
  if (fields.name) portal.name = ig.portal.name;
  if (fields.id) portal.id = ig.portal.id;
  out.portal = portal;
  if (desired.state === 'active') {
    out.profiles = Object.keys(desired.profiles)
      .sort(byText)
      .map((name) => ({ name, permissions: normalizePermissions(Object.hasOwn(ig.profilePermissions, name) ? (ig.profilePermissions[name] ?? []) : []) }));
  }
  const emails = new Map(live.users.map((u) => [u.id, u.email.toLowerCase()]));
  out.users = [...new Set(ig.users)]
    .map((id) => {
      // As plan labels a user id the integration lists but CRM does not.
      const email = emails.get(id) ?? `(user id ${id})`;
      const override = Object.hasOwn(ig.userPermissions, id) ? ig.userPermissions[id] : undefined;
      return override === undefined ? { email } : { email, permissions: normalizePermissions(override) };
    })
    .sort((a, b) => byText(a.email, b.email));
  return out;
}

/** A plain YAML scalar when it reads back as the same string, else a quoted one; always one line. */
const PLAIN = /^[A-Za-z][A-Za-z0-9 ._@+-]*$/;
const SPECIAL = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
function scalar(s: string): string {
  if (PLAIN.test(s) && !s.endsWith(' ') && !SPECIAL.test(s)) return s;
  const text = stringify(s, { lineWidth: 0 }).replace(/\n$/, '');
  // A block scalar (a string with line breaks) spans lines: JSON's quoting is YAML's double-quoted form.
  return text.includes('\n') ? JSON.stringify(s) : text;
}

const flow = (perms: readonly Permission[]): string => `[${perms.join(', ')}]`;

/** One block of lines about one thing, and where it sorts: by section, then rank, then name. */
interface Entry {
  section: number;
  rank: number;
  name: string;
  lines: string[];
}

function compareEntries(a: Entry, b: Entry): number {
  return a.section - b.section || a.rank - b.rank || byText(a.name, b.name);
}

/** The canonical form as entries, in order. */
function entriesOf(s: CanonicalSettings): Entry[] {
  const out: Entry[] = [{ section: 0, rank: 0, name: '', lines: [`org: ${JSON.stringify(s.org)}`] }];
  if (s.state !== undefined) out.push({ section: 1, rank: 0, name: '', lines: [`state: ${s.state}`] });
  if (s.portal) {
    const p = s.portal;
    out.push({ section: 2, rank: 0, name: '', lines: [p.name === undefined && p.id === undefined ? 'portal: {}' : 'portal:'] });
    if (p.name !== undefined) out.push({ section: 2, rank: 1, name: '', lines: [`  name: ${scalar(p.name)}`] });
    if (p.id !== undefined) out.push({ section: 2, rank: 2, name: '', lines: [`  id: ${JSON.stringify(p.id)}`] });
  }
  if (s.profiles) {
    out.push({ section: 3, rank: 0, name: '', lines: [s.profiles.length === 0 ? 'profiles: {}' : 'profiles:'] });
    for (const p of s.profiles) out.push({ section: 3, rank: 1, name: p.name, lines: [`  ${scalar(p.name)}: ${flow(p.permissions)}`] });
  }
  if (s.users) {
    out.push({ section: 4, rank: 0, name: '', lines: [s.users.length === 0 ? 'users: []' : 'users:'] });
    for (const u of s.users) {
      const lines = [`  - email: ${scalar(u.email)}`];
      if (u.permissions !== undefined) lines.push(`    permissions: ${flow(u.permissions)}`);
      out.push({ section: 4, rank: 1, name: u.email, lines });
    }
  }
  return out;
}

/** The canonical form as YAML text (what each side of the diff reads as). */
export function canonicalManifest(s: CanonicalSettings): string {
  return entriesOf(s)
    .flatMap((e) => e.lines)
    .map((l) => `${l}\n`)
    .join('');
}

type Tag = ' ' | '-' | '+';
interface DiffLine {
  tag: Tag;
  text: string;
}

/**
 * The line-by-line difference of two entry lists sorted by compareEntries: one merge, linear in their
 * length. Entries about the same thing are compared line by line (their common first and last lines
 * kept as context); an entry on one side only is removed or added whole.
 */
function diffEntries(before: Entry[], after: Entry[]): DiffLine[] {
  const out: DiffLine[] = [];
  const push = (tag: Tag, lines: readonly string[]): void => {
    for (const text of lines) out.push({ tag, text });
  };
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    const order = a === undefined ? 1 : b === undefined ? -1 : compareEntries(a, b);
    if (order < 0 && a) {
      push('-', a.lines);
      i++;
    } else if (order > 0 && b) {
      push('+', b.lines);
      j++;
    } else if (a && b) {
      let head = 0;
      while (head < a.lines.length && head < b.lines.length && a.lines[head] === b.lines[head]) head++;
      let tail = 0;
      while (tail < a.lines.length - head && tail < b.lines.length - head && a.lines[a.lines.length - 1 - tail] === b.lines[b.lines.length - 1 - tail]) tail++;
      push(' ', a.lines.slice(0, head));
      push('-', a.lines.slice(head, a.lines.length - tail));
      push('+', b.lines.slice(head, b.lines.length - tail));
      push(' ', a.lines.slice(a.lines.length - tail));
      i++;
      j++;
    }
  }
  return removalsFirst(out);
}

/** In each run of changed lines, the removed ones before the added ones, as diff tools show them. */
function removalsFirst(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let run: DiffLine[] = [];
  const flush = (): void => {
    for (const l of run) if (l.tag === '-') out.push(l);
    for (const l of run) if (l.tag === '+') out.push(l);
    run = [];
  };
  for (const l of lines) {
    if (l.tag === ' ') {
      flush();
      out.push(l);
    } else run.push(l);
  }
  flush();
  return out;
}

/** Unified-diff hunks of `lines` with `context` lines around each change (as the `diff` package makes them). */
function hunksOf(lines: readonly DiffLine[], context: number): StructuredPatchHunk[] {
  const n = lines.length;
  // The old and new line number of each line (1-based).
  const oldAt = new Array<number>(n + 1);
  const newAt = new Array<number>(n + 1);
  for (let k = 0, o = 1, w = 1; k <= n; k++) {
    oldAt[k] = o;
    newAt[k] = w;
    const tag = lines[k]?.tag;
    if (tag === ' ' || tag === '-') o++;
    if (tag === ' ' || tag === '+') w++;
  }
  const changed = (k: number): boolean => lines[k]?.tag !== ' ';
  const hunks: StructuredPatchHunk[] = [];
  let k = 0;
  while (k < n) {
    if (!changed(k)) {
      k++;
      continue;
    }
    // Hunks never overlap: changes closer than that were merged into the previous one.
    const from = Math.max(0, k - context);
    let j = k;
    let end: number;
    for (;;) {
      while (j < n && changed(j)) j++;
      let m = j;
      while (m < n && !changed(m)) m++;
      // Changes at most 2×context lines apart share a hunk.
      if (m < n && m - j <= 2 * context) {
        j = m;
        continue;
      }
      end = Math.min(n, j + context);
      break;
    }
    const slice = lines.slice(from, end);
    hunks.push({
      oldStart: oldAt[from] as number,
      oldLines: slice.filter((l) => l.tag !== '+').length,
      newStart: newAt[from] as number,
      newLines: slice.filter((l) => l.tag !== '-').length,
      lines: slice.map((l) => `${l.tag}${l.text}`),
    });
    k = end;
  }
  return hunks;
}

/**
 * The unified diff (`--- live`, `+++ FILE`) of the live settings against the manifest's, both in
 * canonical form; empty when they are the same. `now` decides which `expires` days are over (none
 * without it). Raw text: the caller escapes it for a terminal (diffSection) or JSON does.
 */
export function renderManifestDiff(live: Live, desired: Desired, options: { context?: number; now?: Date } = {}): string {
  const lines = diffEntries(entriesOf(liveSettings(live, desired)), entriesOf(desiredSettings(desired, options.now)));
  const hunks = hunksOf(lines, options.context ?? 3);
  if (hunks.length === 0) return '';
  return formatPatch({ oldFileName: 'live', newFileName: desired.file, oldHeader: undefined, newHeader: undefined, hunks }, FILE_HEADERS_ONLY);
}

/**
 * The diff as a section of the text or Markdown plan: each line with control characters escaped (it
 * quotes Zoho's names and the manifest); in Markdown, a ```diff block fenced so no name can close it.
 * No differences is one line saying so.
 */
export function diffSection(patch: string, format: 'text' | 'markdown', file: string): string {
  if (patch === '') return `\nNo differences: the live settings match ${escapeControls(file)} (in canonical form).\n`;
  const text = patch.split('\n').map(escapeControls).join('\n');
  if (format === 'text') return `\n${text}`;
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}diff\n${text}${fence}\n`;
}
