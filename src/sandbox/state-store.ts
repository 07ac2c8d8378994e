import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../model/errors.js';
import { oneLine } from '../model/one-line.js';
import type { SandboxState } from './state-types.js';
import { tempPathFor } from './temp-files.js';
import { stateProblems } from './validate-state.js';

/** A state or seed file that cannot be read or is not valid sandbox state. The file is left untouched. */
export class SandboxStateError extends UserError {
  override name = 'SandboxStateError';
}

/** examples/sandbox/org.json; src/sandbox/ and dist/sandbox/ both sit two levels below the package root. */
export const DEFAULT_SEED_PATH = fileURLToPath(new URL('../../examples/sandbox/org.json', import.meta.url));

function checked(value: unknown, label: string): SandboxState {
  const problems = stateProblems(value);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new SandboxStateError(`${label} is not valid sandbox state: ${oneLine(problems[0]!)}${more}`);
  }
  return value as SandboxState;
}

/** Reads and checks a state/seed file; undefined when it does not exist. */
async function readStateFile(file: string, kind: string): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SandboxStateError(`cannot read ${kind} ${file}: ${oneLine((err as Error).message)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SandboxStateError(`${kind} ${file} is not valid JSON (${oneLine((err as Error).message)}); it was left untouched — fix or delete it`);
  }
  return checked(value, `${kind} ${file}`);
}

// The parts of a state that no write changes (org, credentials, profiles, users, portals) are deep-
// frozen and shared by every later state; their JSON is cached here, as UTF-8, keyed by the value.
const frozen = new WeakSet<object>();
const partBytes = new WeakMap<object, Buffer>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !frozen.has(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
    frozen.add(value);
  }
  return value;
}

/** JSON.stringify(value, null, 2) as it appears one level down in the state object, as UTF-8. */
function nestedBytes(value: unknown): Buffer | undefined {
  const cacheable = value !== null && typeof value === 'object' && frozen.has(value);
  const cached = cacheable ? partBytes.get(value) : undefined;
  if (cached !== undefined) return cached;
  const text = JSON.stringify(value, null, 2)?.replace(/\n/g, '\n  ');
  if (text === undefined) return undefined;
  const bytes = Buffer.from(text);
  if (cacheable) partBytes.set(value, bytes);
  return bytes;
}

/**
 * Exactly the UTF-8 of `JSON.stringify(state, null, 2)`, in pieces: a write to a 100,000-user org
 * changes the integration, not the 25 MB of users, so only the integration is serialised again.
 */
function stateChunks(state: SandboxState): Buffer[] {
  const chunks: Buffer[] = [];
  for (const [key, value] of Object.entries(state)) {
    const bytes = nestedBytes(value);
    if (bytes === undefined) continue;
    chunks.push(Buffer.from(`${chunks.length === 0 ? '{\n' : ',\n'}  ${JSON.stringify(key)}: `), bytes);
  }
  chunks.push(Buffer.from(chunks.length === 0 ? '{}' : '\n}'));
  return chunks;
}

/** `JSON.stringify(state, null, 2)`, as the sandbox writes it (without the final newline). */
export function stateText(state: SandboxState): string {
  return Buffer.concat(stateChunks(state)).toString('utf8');
}

/** Freezes the parts of `state` that no write changes, so they can be shared between versions. */
function shareable(state: SandboxState): SandboxState {
  for (const [key, value] of Object.entries(state)) if (key !== 'integration' && key !== 'links') deepFreeze(value);
  return state;
}

/**
 * Writes `state` so that a reader (or a crash) only ever sees the old or the new whole file: a temp
 * file in the same directory (rename is atomic only within one file system), fsynced, then renamed.
 */
export async function writeStateFile(file: string, state: SandboxState): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = tempPathFor(file);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      // writev may write less than asked: go on from where it stopped.
      let rest = Buffer.concat([...stateChunks(state), Buffer.from('\n')]);
      while (rest.length > 0) rest = rest.subarray((await fh.write(rest)).bytesWritten);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * The sandbox's state: reads see the last committed value; writes run one at a time, each on a copy
 * that is persisted before it replaces the current value, so a failed or thrown write changes nothing.
 * Writes change only `integration` and `links`: the copy shares everything else with the current
 * value, frozen, so a write to a large org does not copy its users (and one that tried would throw).
 */
export class StateStore {
  private queue: Promise<unknown> = Promise.resolve();
  private sealed = false;

  private current: SandboxState;

  private constructor(
    current: SandboxState,
    private readonly file: string | undefined,
  ) {
    this.current = shareable(current);
  }

  /** Loads `stateFile`, or creates it from the seed when it does not exist. */
  static async open(opts: { stateFile?: string; seed?: string | SandboxState }): Promise<StateStore> {
    const { stateFile } = opts;
    const existing = stateFile === undefined ? undefined : await readStateFile(stateFile, 'state file');
    if (existing) return new StateStore(existing, stateFile);
    const seed = opts.seed ?? DEFAULT_SEED_PATH;
    let state: SandboxState;
    if (typeof seed === 'string') {
      const read = await readStateFile(seed, 'seed file');
      if (!read) throw new SandboxStateError(`seed file ${seed} does not exist`);
      state = read;
    } else {
      state = checked(structuredClone(seed), 'the seed state');
    }
    if (stateFile !== undefined) {
      try {
        await writeStateFile(stateFile, state);
      } catch (err) {
        throw new SandboxStateError(`cannot create state file ${stateFile}: ${oneLine((err as Error).message)}`);
      }
    }
    return new StateStore(state, stateFile);
  }

  /** The committed state. Callers must not mutate it. */
  get(): SandboxState {
    return this.current;
  }

  snapshot(): SandboxState {
    return structuredClone(this.current);
  }

  /**
   * Runs `fn` on a copy of the state after every earlier write has finished. When it reports a
   * change, the copy is persisted and then becomes the state; if `fn` or the write throws, nothing changes.
   */
  mutate<T>(fn: (draft: SandboxState) => { result: T; changed: boolean }): Promise<T> {
    if (this.sealed) return Promise.reject(new Error('the sandbox is closed'));
    const run = this.queue.then(async () => {
      const { integration, links } = this.current;
      const draft: SandboxState = { ...this.current, integration: structuredClone(integration), links: { ...links } };
      const { result, changed } = fn(draft);
      if (changed) {
        if (this.file !== undefined) await writeStateFile(this.file, draft);
        this.current = draft;
      }
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Refuses further writes and resolves once the queued ones have finished: a request still waiting
   * out its latency when the sandbox closes must not write the file after close() returned.
   */
  async seal(): Promise<void> {
    this.sealed = true;
    await this.queue;
  }
}
