import { createInterface } from 'node:readline/promises';

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
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
