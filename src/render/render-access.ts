import type { AccessRow } from '../plan/access-review.js';
import { markdownText, terminalText } from './safe-text.js';
import { formatCount } from './summary-line.js';

export type AccessFormat = 'text' | 'csv' | 'json' | 'markdown';

/** Where the rows came from, for the reader: the live settings, or the record (real Zoho). */
export interface AccessContext {
  org: { id: string; name: string };
  from: 'live' | 'record';
  /** The record's last entry, when the rows come from it. */
  recordedAt?: string | null;
  /** When this review was made (ISO 8601). */
  at: string;
}

const PERMS = ['view', 'create', 'edit', 'delete'] as const;

/** A spreadsheet would run a cell starting with = + - @ (or a tab/CR) as a formula: quote it as text. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The access review (DESIGN §8) in one format. CSV: `email,profile,view,create,edit,delete,source`
 * (+ `expires` when any user has one), the four permissions `true`/`false`, RFC 4180 quoting, cells
 * a spreadsheet would evaluate quoted as text. Text and Markdown escape remote names; JSON is data.
 */
export function renderAccess(rows: readonly AccessRow[], format: AccessFormat, ctx: AccessContext): string {
  const withExpiry = rows.some((r) => r.expires !== undefined);
  const header = ['email', 'profile', ...PERMS, 'source', ...(withExpiry ? ['expires'] : [])];
  const cells = (r: AccessRow): string[] => [r.email, r.profile, ...PERMS.map((p) => String(r[p])), r.source, ...(withExpiry ? [r.expires ?? ''] : [])];
  const from = ctx.from === 'live' ? 'the live settings' : `the record${ctx.recordedAt ? ` (last written ${ctx.recordedAt})` : ''}`;
  switch (format) {
    case 'json':
      return `${JSON.stringify({ org: ctx.org, from: ctx.from, ...(ctx.from === 'record' && { recordedAt: ctx.recordedAt ?? null }), at: ctx.at, users: rows }, null, 2)}\n`;
    case 'csv':
      return `${[header, ...rows.map(cells)].map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
    case 'markdown': {
      const md = (r: AccessRow): string[] => [`\`${r.email.replace(/`/g, "'")}\``, markdownText(r.profile), ...PERMS.map((p) => (r[p] ? '✓' : '')), r.source, ...(withExpiry ? [r.expires ?? ''] : [])];
      return [
        `**Access to projects in CRM: ${markdownText(ctx.org.name)} (org ${markdownText(ctx.org.id)})**, ${formatCount(rows.length)} user${rows.length === 1 ? '' : 's'}, from ${markdownText(from)}, ${ctx.at}`,
        '',
        `| ${header.map((h) => h[0]?.toUpperCase() + h.slice(1)).join(' | ')} |`,
        `|${header.map((h) => (PERMS.includes(h as (typeof PERMS)[number]) ? ':-:' : '---')).join('|')}|`,
        ...rows.map((r) => `| ${md(r).join(' | ')} |`),
        '',
      ].join('\n');
    }
    case 'text': {
      const table = [header, ...rows.map((r) => [terminalText(r.email), terminalText(r.profile), ...PERMS.map((p) => (r[p] ? 'yes' : '-')), r.source, ...(withExpiry ? [r.expires ?? ''] : [])])];
      const widths = header.map((_, i) => table.reduce((w, row) => Math.max(w, (row[i] ?? '').length), 0));
      const lines = table.map((row) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
      const title = `Access to projects in CRM: ${terminalText(ctx.org.name)} (org ${terminalText(ctx.org.id)}), ${formatCount(rows.length)} user${rows.length === 1 ? '' : 's'}, from ${terminalText(from)}`;
      return `${[title, '', ...lines].join('\n')}\n`;
    }
  }
}
