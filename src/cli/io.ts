import { createInterface, type Interface } from 'node:readline';

/** Everything a command touches of the outside world, passed in so tests can run commands in-process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout is a terminal (progress bars, colour). */
  stdoutTTY: boolean;
  /** stderr is a terminal (progress bar while reading a large org). */
  stderrTTY: boolean;
  /** stdin and stderr are a terminal: the user can answer a prompt. */
  interactive: boolean;
  /** Colour allowed: a TTY, no NO_COLOR, no --no-color. */
  color: boolean;
  /** Asks a question on stderr and reads one line from stdin. */
  ask: (question: string) => Promise<string>;
}

export function processIo(noColor: boolean): Io {
  const env = process.env;
  const stdoutTTY = Boolean(process.stdout.isTTY);
  const colorOff = noColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    env,
    cwd: process.cwd(),
    stdoutTTY,
    stderrTTY: Boolean(process.stderr.isTTY),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    color: stdoutTTY && !colorOff,
    ask: terminalAsk(),
  };
}

/**
 * One line reader for the whole run, so answers typed ahead (the next `done` while a step's
 * instructions are still printing) are kept, not dropped with a per-question reader. End of input
 * (Ctrl+D) answers '' — which no prompt accepts, so the run stops without writing; Ctrl+C is SIGINT.
 * Between questions the reader is paused, so it does not keep the process alive, and the terminal is
 * out of raw mode, so Ctrl+C is a signal again (readline's raw mode would swallow it as a key nobody
 * reads, and a running apply could not be interrupted).
 */
function terminalAsk(): (question: string) => Promise<string> {
  let rl: Interface | undefined;
  let closed = false;
  const typed: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const answer = (line: string): void => {
    const w = waiting.shift();
    if (w) w(line);
    else typed.push(line);
  };
  const reader = (): Interface => {
    if (rl) return rl;
    rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.on('line', answer);
    // Ctrl+C at a prompt is the terminal's interrupt, as anywhere else: a SIGINT, which the command
    // handles (apply stops cleanly) or which ends the process.
    rl.on('SIGINT', () => {
      process.stderr.write('^C\n');
      process.kill(process.pid, 'SIGINT');
    });
    rl.on('close', () => {
      closed = true;
      if (waiting.length > 0) process.stderr.write('\n');
      for (const w of waiting.splice(0)) w('');
    });
    return rl;
  };
  const rawMode = (on: boolean): void => {
    if (process.stdin.isTTY && !closed) process.stdin.setRawMode(on);
  };
  return async (question) => {
    const r = reader();
    if (closed) {
      process.stderr.write(`${question}\n`);
      return '';
    }
    rawMode(true);
    r.setPrompt(question);
    r.prompt();
    const next = typed.shift();
    if (next !== undefined) {
      process.stderr.write('\n');
      r.pause();
      rawMode(false);
      return next;
    }
    const line = await new Promise<string>((resolve) => waiting.push(resolve));
    if (!closed) {
      r.pause();
      rawMode(false);
    }
    return line;
  };
}

/**
 * What a command resolves with when the process must end now, not once its work drains (a second
 * Ctrl-C during apply, or one before any write): the entry exits with `code` at once.
 */
export class ExitAtOnce {
  constructor(readonly code: number) {}
}
