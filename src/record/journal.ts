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
 * The fewest steps one write marks pending (see starting()); past 1,000 users with access, a tenth
 * of them, so an apply writes its record a dozen times or so however large the org: each write costs
 * the whole record, and one per call made a 100,000-user apply six times slower.
 */
const WINDOW_MIN = 100;
const WINDOW_SHARE = 10;

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
  #doneIds = new Set<string>();
  /** The plan's manual flag, printed on the pending steps. */
  #manual: boolean;
  /** The plan's steps in apply order, and where each stands in it. */
  #steps: readonly Step[];
  #position: Map<string, number>;
  /** The ids written as pending and not done since. */
  #pending = new Set<string>();
  /** Steps done and not yet folded into the settings (withSteps costs the whole record: once per write). */
  #unapplied: Step[] = [];

  private constructor(file: string, record: RecordFile, key: string, section: RecordSection, plan: Plan) {
    this.#file = file;
    this.#record = record;
    this.#key = key;
    this.#section = section;
    this.#manual = plan.manual;
    this.#steps = plan.steps;
    this.#position = new Map(plan.steps.map((st, i) => [st.id, i]));
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
    return new RecordJournal(file, record, key, section, plan);
  }

  get settings(): RecordedSettings {
    this.#fold();
    return this.#section.settings;
  }

  /**
   * Before a call: its steps must be on disk as pending (it may land even if zpi dies during it). A
   * call whose steps an earlier write already marked costs nothing; otherwise one write records the
   * settings so far and marks this call's steps and the plan's next ones pending, up to the window
   * (WINDOW_MIN, or a tenth of the users the record holds). After a crash, a pending step that never
   * ran changes nothing (the live state shows it undone, as the record does); one that landed is not
   * taken for drift.
   */
  starting(steps: Step[]): void {
    if (steps.every((s) => this.#pending.has(s.id))) return;
    const window = this.#window(steps);
    this.#section = { ...this.#section, pending: window.map((s) => printedStep(s, this.#manual)) };
    this.#write();
    // Only once it is on disk.
    this.#pending = new Set(window.map((s) => s.id));
  }

  /**
   * After a call or a confirmed Setup block. The settings move on in memory and reach the disk with
   * the next window or finish(); a confirmed block is written at once, since on real Zoho the record
   * is all a re-run resumes from.
   */
  done(steps: Step[]): void {
    this.#unapplied = this.#unapplied.concat(steps);
    for (const s of steps) {
      this.#done.push(s.id);
      this.#doneIds.add(s.id);
      this.#pending.delete(s.id);
    }
    if (!this.#manual) return;
    const { pending: _, ...rest } = this.#section;
    this.#section = rest;
    this.#pending.clear();
    this.#write();
  }

  /**
   * `steps` and the plan's steps after the first of them, as many as the window holds. A portal or
   * status step stands alone (a window ends before one, and one is written done before the next
   * call): plan compares nothing else while the portal or status differs from the record, so a
   * crash during a window that began with one would hide every other change made outside zpi.
   */
  #window(steps: Step[]): Step[] {
    if (steps.some(changesPortalOrStatus)) return steps;
    const size = Math.max(WINDOW_MIN, steps.length, Math.ceil(this.#section.settings.users.length / WINDOW_SHARE));
    const from = Math.min(...steps.map((s) => this.#position.get(s.id) ?? Infinity));
    if (!Number.isFinite(from)) return steps;
    const ids = new Set(steps.map((s) => s.id));
    const next: Step[] = [];
    for (const s of this.#steps.slice(from, from + size)) {
      if (changesPortalOrStatus(s)) break;
      if (!ids.has(s.id) && !this.#doneIds.has(s.id)) next.push(s);
    }
    return [...steps, ...next].slice(0, Math.max(size, steps.length));
  }

  /** Writes the settings with a history entry (the last of RECORD_HISTORY kept). */
  finish(entry: Omit<HistoryEntry, 'did'>, did: string[] = this.#done): void {
    const shown = did.length > DID_SHOWN ? [...did.slice(0, DID_SHOWN), `… and ${did.length - DID_SHOWN} more`] : [...did];
    const { pending: _, ...rest } = this.#section;
    this.#section = { ...rest, history: [...rest.history, { ...entry, did: shown }].slice(-RECORD_HISTORY) };
    this.#pending.clear();
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

  /** The steps done since the last write, folded into the settings in apply order. */
  #fold(): void {
    if (this.#unapplied.length === 0) return;
    this.#section = { ...this.#section, settings: withSteps(this.#section.settings, this.#unapplied) };
    this.#unapplied = [];
  }

  #write(): void {
    this.#fold();
    this.#record = { ...this.#record, sections: { ...this.#record.sections, [this.#key]: this.#section } };
    writeRecord(this.#file, this.#record);
  }
}

/** A step after which plan compares nothing else until the record has it (see #window). */
function changesPortalOrStatus(step: Step): boolean {
  return step.kind === 'associate-portal' || step.kind === 'change-portal' || step.kind === 'deactivate';
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
