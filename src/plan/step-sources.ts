import type { Desired, SourcePos } from '../model/desired.js';
import type { StepSource } from '../model/plan.js';

/** Where the manifest asks for each step (DESIGN §4: `source` on every step). */
export interface StepSources {
  /** A grant or an override: the user's entry. */
  user(email: string): StepSource | undefined;
  profile(name: string): StepSource | undefined;
  /** A revoke: the `users:` key the user is not listed under, or the `expires:` that ended the access. */
  revoke(email: string): { source: StepSource; expired?: string };
  portal(): StepSource | undefined;
  state(): StepSource;
}

export function stepSources(desired: Desired, expired: ReadonlyMap<string, { expires: string; pos: SourcePos }>): StepSources {
  const file = desired.file;
  const at = (pos: SourcePos): StepSource => ({ file, line: pos.line, col: pos.col });
  // Built on first use: a plan with no user steps pays nothing.
  let byEmail: Map<string, SourcePos> | undefined;
  const usersKey = at(desired.usersPos ?? { line: 1, col: 1 });
  return {
    user(email) {
      byEmail ??= new Map(desired.users.map((u) => [u.email, u.pos]));
      const pos = byEmail.get(email);
      return pos && at(pos);
    },
    profile(name) {
      const p = Object.hasOwn(desired.profiles, name) ? desired.profiles[name] : undefined;
      return p && at(p.pos);
    },
    revoke(email) {
      const e = expired.get(email);
      return e ? { source: at(e.pos), expired: e.expires } : { source: usersKey };
    },
    portal() {
      return desired.portal && at(desired.portal.pos);
    },
    state() {
      return at(desired.statePos);
    },
  };
}
