import type { Live } from '../model/live.js';
import type { Plan, Step } from '../model/plan.js';
import { printedStep } from '../model/plan-document.js';
import {
  emptyRecord,
  NOTHING_CONFIGURED,
  RECORD_HISTORY,
  sectionKey,
  settingsOf,
  withSteps,
  type HistoryEntry,
  type RecordedSettings,
  type RecordFile,
  type RecordSection,
} from '../model/record.js';
import { reconcileRecord } from '../plan/reconcile-record.js';
import { readRecord, writeRecord } from './record-file.js';

/** Step ids a history entry names before it says "… and N more". */
const DID_SHOWN = 20;

/**
 * Keeps the record (DESIGN §5a) while apply runs: the settings the plan started from, each call's
 * steps written down before it is made (it may land even if zpi dies during it) and the settings
 * after every call or confirmed Setup block, each time atomically. The history entry is added by
 * finish().
 */
export class RecordJournal {
  #file: string;
  #record: RecordFile;
  #key: string;
  #section: RecordSection;
  #done: string[] = [];
  /** The plan's manual flag, printed on the pending steps. */
  #manual: boolean;

  private constructor(file: string, record: RecordFile, key: string, section: RecordSection, manual: boolean) {
    this.#file = file;
    this.#record = record;
    this.#key = key;
    this.#section = section;
    this.#manual = manual;
  }

  /**
   * Starts from what the plan started from: the live settings where they can be read (drift is taken
   * in: apply puts back what the plan undoes), else the record, checked against what real Zoho shows;
   * or `settings` (import: what an administrator confirmed).
   */
  static open(file: string, plan: Plan, live: Live, settings?: RecordedSettings): RecordJournal {
    const record = readRecord(file) ?? emptyRecord();
    const key = sectionKey(plan.target.endpointKind, plan.target.org.id);
    const previous = recordSection(record, plan.target.endpointKind, plan.target.org.id);
    const start = settings ?? startingSettings(live, previous);
    const section: RecordSection = {
      org: { ...plan.target.org },
      target: { endpointKind: plan.target.endpointKind, endpoint: plan.target.endpointKind === 'sandbox' ? 'sandbox' : plan.target.endpoint },
      settings: start,
      history: previous?.history ?? [],
    };
    return new RecordJournal(file, record, key, section, plan.manual);
  }

  get settings(): RecordedSettings {
    return this.#section.settings;
  }

  starting(steps: Step[]): void {
    this.#section = { ...this.#section, pending: steps.map((s) => printedStep(s, this.#manual)) };
    this.#write();
  }

  done(steps: Step[]): void {
    const { pending: _, ...rest } = this.#section;
    this.#section = { ...rest, settings: withSteps(rest.settings, steps) };
    for (const s of steps) this.#done.push(s.id);
    this.#write();
  }

  /** Writes the settings with a history entry (the last of RECORD_HISTORY kept). */
  finish(entry: Omit<HistoryEntry, 'did'>, did: string[] = this.#done): void {
    const shown = did.length > DID_SHOWN ? [...did.slice(0, DID_SHOWN), `… and ${did.length - DID_SHOWN} more`] : [...did];
    const { pending: _, ...rest } = this.#section;
    this.#section = { ...rest, history: [...rest.history, { ...entry, did: shown }].slice(-RECORD_HISTORY) };
    this.#write();
  }

  /**
   * Ends an apply of `plan` that carried out or confirmed `done` steps: the history entry is written
   * when the run learned something — the settings were read (drift taken in, and when they were last
   * checked), or a step was done. On real Zoho a run that confirmed nothing leaves the record as it was.
   */
  finishApply(entry: Omit<HistoryEntry, 'did'>, plan: Plan, done: number): void {
    if (done > 0 || !plan.manual) this.finish(entry);
  }

  #write(): void {
    this.#record = { ...this.#record, sections: { ...this.#record.sections, [this.#key]: this.#section } };
    writeRecord(this.#file, this.#record);
  }
}

/** The settings a plan with this record started from, as the record would hold them. */
export function startingSettings(live: Live, record: RecordSection | undefined): RecordedSettings {
  if (live.integration) return settingsOf(live.integration, live.users);
  const reconciled = reconcileRecord(live, record).integration;
  return reconciled ? settingsOf(reconciled, live.users) : NOTHING_CONFIGURED;
}

/** The record's section for this target, if the file has one. */
export function recordSection(record: RecordFile | undefined, endpointKind: Plan['target']['endpointKind'], orgId: string): RecordSection | undefined {
  if (!record) return undefined;
  const key = sectionKey(endpointKind, orgId);
  return Object.hasOwn(record.sections, key) ? record.sections[key] : undefined;
}
