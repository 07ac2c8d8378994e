import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/model/errors.js';
import { emptyRecord, type RecordFile } from '../../../src/model/record.js';
import { printedSteps } from '../../../src/model/plan-document.js';
import { readRecord, recordPathFor, serializeRecord, writeRecord } from '../../../src/record/record-file.js';
import { manualPlan } from '../../helpers/plans.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-record-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sample = (): RecordFile => ({
  ...emptyRecord(),
  sections: {
    'zoho:60012345678': {
      org: { id: '60012345678', name: 'Acme Corp' },
      target: { endpointKind: 'zoho', endpoint: 'zoho.com' },
      settings: {
        status: 'active',
        portal: { id: '7001', name: 'acme-projects' },
        users: [{ id: '201', email: 'alice@acme.com' }, { id: '202', email: 'bob@acme.com', permissions: ['view'] }],
        profiles: { Standard: ['view', 'create'] },
      },
      pending: printedSteps(manualPlan()).slice(0, 2),
      history: [{ at: '2026-11-29T10:00:00.000Z', by: 'admin@acme.com', action: 'apply', manifestHash: 'abc', did: ['grant-user:alice@acme.com'] }],
    },
  },
});

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('record path', () => {
  it('is X.state.json beside the manifest X.yaml, or --state; none for standard input', () => {
    expect(recordPathFor('integration.yaml', undefined)).toBe('integration.state.json');
    expect(recordPathFor('envs/prod.yml', undefined)).toBe(join('envs', 'prod.state.json'));
    expect(recordPathFor('-', undefined)).toBeUndefined();
    expect(recordPathFor('<stdin>', undefined)).toBeUndefined();
    expect(recordPathFor('/dev/stdin', undefined)).toBeUndefined();
    expect(recordPathFor('-', 'r.json')).toBe('r.json');
    expect(recordPathFor('integration.yaml', 'elsewhere.json')).toBe('elsewhere.json');
  });
});

describe('record file', () => {
  it('round-trips, one user and one history entry per line, and leaves no temporary file', () => {
    const file = join(dir, 'integration.state.json');
    writeRecord(file, sample());
    expect(readRecord(file)).toEqual(sample());
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('\n          {"id":"202","email":"bob@acme.com","permissions":["view"]}');
    expect(text).toContain('\n        {"at":"2026-11-29T10:00:00.000Z","by":"admin@acme.com","action":"apply"');
    expect(readdirSync(dir)).toEqual(['integration.state.json']);
    expect(text).toBe(serializeRecord(sample()));
  });

  it('replaces atomically: a reader sees the old record or the new one', () => {
    const file = join(dir, 'r.json');
    writeRecord(file, sample());
    const next = sample();
    (next.sections['zoho:60012345678'] as NonNullable<RecordFile['sections'][string]>).settings.users = [];
    writeRecord(file, next);
    expect(readRecord(file)).toEqual(next);
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('no file yet is no record', () => {
    expect(readRecord(join(dir, 'missing.json'))).toBeUndefined();
  });

  it('refuses a corrupt, foreign, newer or malformed record in one line', () => {
    const file = join(dir, 'r.json');
    writeFileSync(file, '{"kind": "zpi-record", "formatVersion": 1, "sections": {');
    expect(refused(() => readRecord(file))).toMatch(/r\.json: not a zpi record \(restore it from git, or pass --state with another file\): invalid JSON/);
    writeFileSync(file, JSON.stringify({ formatVersion: 1, steps: [] }));
    expect(refused(() => readRecord(file))).toContain('is not a zpi record (no "kind": "zpi-record")');
    writeFileSync(file, JSON.stringify({ kind: 'zpi-record', formatVersion: 2, sections: {} }));
    expect(refused(() => readRecord(file))).toContain('record formatVersion 2 is not one this zpi reads (1); upgrade zpi');
    const bad = sample() as unknown as { sections: Record<string, { settings: { users: unknown[] } }> };
    (bad.sections['zoho:60012345678'] as { settings: { users: unknown[] } }).settings.users = [{ id: 1 }];
    writeFileSync(file, JSON.stringify(bad));
    expect(refused(() => readRecord(file))).toMatch(/not a valid zpi record: sections\.zoho:60012345678\.settings\.users\.0 /);
    writeFileSync(file, '['.repeat(100_000));
    expect(refused(() => readRecord(file))).toContain('nested more than 32 levels deep');
    mkdirSync(join(dir, 'd'));
    expect(refused(() => readRecord(join(dir, 'd')))).toContain('it is a directory');
  });

  it('a write that cannot happen is one clear error and leaves the old record', () => {
    const file = join(dir, 'r.json');
    writeRecord(file, sample());
    const sub = join(dir, 'ro');
    mkdirSync(sub);
    chmodSync(sub, 0o500);
    try {
      if (process.getuid?.() !== 0) expect(refused(() => writeRecord(join(sub, 'r.json'), sample()))).toContain('cannot write the record');
    } finally {
      chmodSync(sub, 0o700);
    }
    expect(refused(() => writeRecord(join(dir, 'nope', 'r.json'), sample()))).toContain('cannot write the record');
    expect(readRecord(file)).toEqual(sample());
  });

  it('a symlinked record is replaced, not written through', () => {
    const target = join(dir, 'elsewhere.json');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(dir, 'r.json'));
    writeRecord(join(dir, 'r.json'), sample());
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });
});
