import type { Desired } from '../model/desired.js';
import type { Live } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import { NOTHING_CONFIGURED, settingsOf, withSteps, type RecordedSettings } from '../model/record.js';
import { plan } from '../plan/index.js';
import { refuseOtherOrg, type ReadingProvider, type RunTarget } from './get-plan.js';

export interface ImportInput {
  desired: Desired;
  provider: ReadingProvider;
  target: RunTarget;
}

export interface ImportPlan {
  live: Live;
  /** The manifest planned from nothing: it checks the manifest against the org (users, profiles, portal). */
  plan: Plan;
  /**
   * What the record starts from: the settings as read where they can be; on real Zoho (unreadable)
   * the manifest's, which an administrator confirms Setup shows before they are recorded.
   */
  settings: RecordedSettings;
  /** The settings were read (nothing to confirm). */
  readable: boolean;
}

/**
 * `zpi import` (DESIGN §5a): reads the org and works out the settings its record starts from.
 * Writes nothing; the caller records them (RecordJournal), after asking where they were not read.
 */
export async function planImport({ desired, provider, target }: ImportInput): Promise<ImportPlan> {
  const live = await provider.read();
  refuseOtherOrg(desired, live);
  const ctx = {
    target: { org: { id: live.org.id, name: live.org.companyName }, endpointKind: target.kind, endpoint: target.endpoint },
    options: { allowDestructive: true, maxRevokePct: 100 },
  };
  const fromNothing = plan(desired, live, ctx);
  if (live.integration) return { live, plan: fromNothing, settings: settingsOf(live.integration, live.users), readable: true };
  return { live, plan: fromNothing, settings: withSteps(NOTHING_CONFIGURED, fromNothing.steps), readable: false };
}
