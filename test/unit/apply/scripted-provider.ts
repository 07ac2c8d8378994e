import type { LinkCounts, Live } from '../../../src/model/live.js';
import type { ItemResult, Provider } from '../../../src/provider/provider.js';

export type WriteMethod =
  | 'associatePortal'
  | 'changePortal'
  | 'disassociatePortal'
  | 'deactivate'
  | 'setProfilePermissions'
  | 'grantUsers'
  | 'revokeUsers'
  | 'setUserPermissions';

/** One scripted answer: throw this error, answer these item results, or (default) succeed every item. */
export type Answer = Error | ((args: unknown) => ItemResult[]) | 'ok';

export interface RecordedCall {
  method: WriteMethod;
  args: unknown;
  /** performance.now() when the call arrived (for Retry-After checks). */
  at: number;
}

/**
 * A Provider that records every write with its arguments and answers from a per-method script, one
 * answer per call in order; once a method's script runs out, calls succeed (plugin-retry's test habit).
 */
export class ScriptedProvider implements Provider {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly script: Partial<Record<WriteMethod, Answer[]>> = {}) {}

  /** Method and arguments only, for exact sequence assertions. */
  get sequence(): { method: WriteMethod; args: unknown }[] {
    return this.calls.map(({ method, args }) => ({ method, args }));
  }

  private answer(method: WriteMethod, args: unknown, ids: string[]): ItemResult[] {
    this.calls.push({ method, args, at: performance.now() });
    const next = this.script[method]?.shift() ?? 'ok';
    if (next instanceof Error) throw next;
    if (typeof next === 'function') return next(args);
    return ids.map((id) => ({ id, ok: true, code: 'SUCCESS', message: 'done' }));
  }

  async read(): Promise<Live> {
    throw new Error('read is not scripted: the executor must not read');
  }
  async readLinks(): Promise<LinkCounts> {
    throw new Error('readLinks is not scripted: the executor must not read');
  }
  async associatePortal(input: { portalId: string; zscKey: string; email: string }): Promise<void> {
    this.answer('associatePortal', input, []);
  }
  async changePortal(input: { portalId: string; zscKey: string; email: string }): Promise<void> {
    this.answer('changePortal', input, []);
  }
  async disassociatePortal(): Promise<void> {
    this.answer('disassociatePortal', undefined, []);
  }
  async deactivate(): Promise<void> {
    this.answer('deactivate', undefined, []);
  }
  async setProfilePermissions(items: { profileId: string; profile: string; permissions: string[] }[]): Promise<ItemResult[]> {
    return this.answer('setProfilePermissions', items, items.map((i) => i.profile));
  }
  /** Recorded as the ids, except items that carry an override (recorded whole). */
  async grantUsers(items: { userId: string; permissions?: string[] }[]): Promise<ItemResult[]> {
    const args = items.map((i) => (i.permissions ? i : i.userId));
    return this.answer('grantUsers', args, items.map((i) => i.userId));
  }
  async revokeUsers(userIds: string[]): Promise<ItemResult[]> {
    return this.answer('revokeUsers', userIds, userIds);
  }
  async setUserPermissions(items: { userId: string; permissions: string[] | null }[]): Promise<ItemResult[]> {
    return this.answer('setUserPermissions', items, items.map((i) => i.userId));
  }
}

/** Every item succeeds except those named, which fail with the given code and message. */
export function itemsFailing(failures: Record<string, [code: string, message: string]>): (args: unknown) => ItemResult[] {
  return (args) =>
    (args as (string | { userId?: string; profile?: string })[]).map((a) => {
      const id = typeof a === 'string' ? a : (a.userId ?? a.profile ?? '');
      const f = failures[id];
      return f ? { id, ok: false, code: f[0], message: f[1] } : { id, ok: true, code: 'SUCCESS', message: 'done' };
    });
}
