/**
 * Shared checks for the end-to-end apply tests: the sandbox's state file read the way a person would
 * check the org in Zoho's Setup screen (which portal, which users by email, which permissions), and
 * "refused, nothing written" / "converged" assertions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT, type E2E, type RunResult } from './harness.js';

export interface OrgView {
  status: string;
  portal: string | null;
  /** Emails of the users with access, sorted. */
  users: string[];
  profiles: Record<string, string[]>;
  /** Per-user overrides by email. */
  overrides: Record<string, string[]>;
  links: Record<string, number>;
}

export function orgView(t: E2E): OrgView {
  const s = JSON.parse(readFileSync(t.stateFile, 'utf8'));
  const email = (id: string): string => (s.users as { id: string; email: string }[]).find((u) => u.id === id)?.email ?? `?${id}`;
  const i = s.integration;
  return {
    status: i.status,
    portal: i.portal_id ?? null,
    users: (i.users as string[]).map(email).sort(),
    profiles: Object.fromEntries(Object.entries(i.profile_permissions as Record<string, string[]>).map(([k, v]) => [k, [...v].sort()])),
    overrides: Object.fromEntries(Object.entries(i.user_permissions as Record<string, string[]>).map(([id, v]) => [email(id), [...v].sort()])),
    links: s.links,
  };
}

/** The state file's bytes: "nothing was written" means these do not change. */
export function stateBytes(t: E2E): Buffer {
  return readFileSync(t.stateFile);
}

/** Permissions sorted the way orgView sorts them. */
export const perms = (...p: string[]): string[] => [...p].sort();

export const ex = (name: string): string => join(ROOT, 'examples', `${name}.yaml`);
export const ALL: string[] = perms('view', 'create', 'edit', 'delete');

/** A refusal: exit 1, one `error:` line last on stderr, no stack, and not a byte of the org changed. */
export async function expectRefused(t: E2E, args: string[], opts: Parameters<E2E['run']>[1] = {}): Promise<RunResult> {
  const before = stateBytes(t);
  const r = await t.run(args, opts);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/^\[\d+\/\d+\]/m); // no step started
  expect(stateBytes(t).equals(before)).toBe(true);
  return r;
}

/** `zpi plan` says there is nothing left to do. */
export async function expectConverged(t: E2E, file: string, env?: Record<string, string>): Promise<void> {
  const r = await t.run(['plan', '-f', file, '--detailed-exitcode'], { env });
  expect(r.stdout).toContain(`No changes. Live state matches ${file}.`);
  expect(r.code).toBe(0);
}

/** The `[i/N] … ok` progress lines of a successful apply. */
export function progressLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
}

