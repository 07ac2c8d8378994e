import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../model/duration.js';
import { UserError } from '../model/errors.js';
import { safeWriter } from '../provider/redactor.js';
import type { AccessCommandOptions } from './commands/access.js';
import type { ApplyCommandOptions } from './commands/apply.js';
import type { ExplainCommandOptions } from './commands/explain.js';
import type { ExportCommandOptions } from './commands/export.js';
import type { ImportCommandOptions } from './commands/import.js';
import type { PlanCommandOptions } from './commands/plan.js';
import type { SandboxCommandOptions } from './commands/sandbox.js';
import { ExitAtOnce, processIo, type Io } from './io.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

type Runner = (io: Io) => Promise<number | ExitAtOnce>;

/**
 * Declares the commands and maps errors to exit codes. Each action lazy-imports its command module,
 * so `zpi --version` and `zpi validate` do not load the HTTP client or the sandbox.
 */
function buildProgram(run: (r: Runner) => void): Command {
  const program = new Command('zpi')
    .description('Declarative management of the Zoho CRM ↔ Zoho Projects integration: validate, plan, apply.')
    .version(pkg.version, '-v, --version', 'print the zpi version')
    .option('--no-color', 'never colour output (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run zpi --help for usage)')
    .configureHelp({ sortSubcommands: false });

  const target = (c: Command): Command =>
    c
      .addOption(new Option('--sandbox', 'use the embedded sandbox (state in .zpi/sandbox.json)').conflicts('endpoint'))
      .addOption(new Option('--endpoint <url>', 'one base URL for every Zoho API (also ZPI_ENDPOINT)'))
      .option('--insecure-http', 'allow a plain http:// endpoint that is not loopback')
      .option('--concurrency <n>', 'at most this many API calls in flight (1–25: Zoho CRM allows 5 to 25 by edition)', concurrencyArg, 5);

  program
    .command('validate')
    .description('check manifests against the schema and the domain rules (no network)')
    .argument('[files...]', 'manifest files (default ./integration.yaml; - or /dev/stdin reads stdin)')
    .option('--json', 'print problems as JSON: [{file, line, col, message}]')
    .addHelpText('after', '\nExample:\n  zpi validate integration.yaml examples/*.yaml')
    .action((files: string[], opts: { json?: boolean }) =>
      run(async (io) => (await import('./commands/validate.js')).validate({ files, json: Boolean(opts.json) }, io)),
    );

  target(
    program
      .command('plan')
      .description('read live state, diff it against the manifest and print the plan (writes nothing)')
      .option('-f, --file <file>', 'manifest', 'integration.yaml')
      .option('--out <planfile>', 'save the plan (JSON, mode 0600) for `zpi apply PLANFILE`')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
      .option('--detailed-exitcode', 'exit 2 when changes are pending (0 none, 1 error)')
      .option('--allow-destructive', 'record approval of destructive steps (portal swap, deactivation, mass revoke)')
      .option('--max-revoke <pct>', 'revoking more than this % of users with access is destructive', floatArg, 25)
      .option('--diff', 'also print a unified diff of the live settings against the manifest, both in one canonical form (only managed profiles; comments and order ignored)')
      .option('--full', 'text output: list every step and every user whose access changes (long lists are otherwise shortened, gains first)')
      .option('--state <file>', 'the record of what zpi applied (default: X.state.json beside the manifest X.yaml)'),
  )
    .addHelpText('after', '\nExamples:\n  zpi plan --sandbox\n  zpi plan --format markdown --detailed-exitcode --out plan.json')
    .action((_opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/plan.js')).planCommand(cmd.opts<PlanCommandOptions>(), io)),
    );

  target(
    program
      .command('apply')
      .description('carry out a saved plan, or plan and apply after confirmation')
      .argument('[planfile]', 'a plan saved with `zpi plan --out`')
      .option('-f, --file <file>', 'manifest (when no plan file is given)', 'integration.yaml')
      .option('--auto-approve', 'do not ask for confirmation (needed without a terminal)')
      .option('--allow-destructive', 'allow portal swap, deactivation and mass revokes')
      .option('--max-revoke <pct>', 'revoking more than this % of users with access is destructive', floatArg, 25)
      .option('--lock-timeout <duration>', 'wait this long (e.g. 30s, 2m) for another apply of the same org to finish; default: refuse at once', durationArg, 0)
      .option('--json', 'print one JSON event per line on stdout')
      .option('--state <file>', 'the record of what zpi applied (default: X.state.json beside the manifest X.yaml)'),
  )
    .addHelpText('after', '\nExamples:\n  zpi apply --sandbox --auto-approve\n  zpi apply plan.json')
    .action((planfile: string | undefined, _opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/apply.js')).applyCommand({ ...cmd.opts<Omit<ApplyCommandOptions, 'planfile'>>(), planfile }, io)),
    );

  target(
    program
      .command('import')
      .description('start the record for an org configured before zpi (its settings as they are, or as Setup shows them on real Zoho)')
      .option('-f, --file <file>', 'manifest', 'integration.yaml')
      .option('--auto-approve', 'on real Zoho: record the manifest as what Setup shows without asking (needed without a terminal)')
      .option('--lock-timeout <duration>', 'wait this long (e.g. 30s, 2m) for an apply of the same org to finish; default: refuse at once', durationArg, 0)
      .option('--state <file>', 'the record to write (default: X.state.json beside the manifest X.yaml)'),
  )
    .addHelpText('after', '\nExamples:\n  zpi import --sandbox\n  zpi import -f integration.yaml   # real Zoho: confirm the Setup checklist with yes')
    .action((_opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/import.js')).importCommand(cmd.opts<ImportCommandOptions>(), io)),
    );

  target(
    program
      .command('access')
      .description('the access review: every CRM user with access to projects, their permissions and their source')
      .option('-f, --file <file>', 'manifest (for the record beside it and expiry dates)', 'integration.yaml')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'csv', 'json', 'markdown']).default('text'))
      .option('--state <file>', 'the record to read on real Zoho (default: X.state.json beside the manifest X.yaml)'),
  )
    .addHelpText('after', '\nExamples:\n  zpi access --sandbox\n  zpi access --format csv > access-review.csv')
    .action((_opts: unknown, cmd: Command) =>
      run(async (io) => {
        const opts: AccessCommandOptions = { ...cmd.opts<Omit<AccessCommandOptions, 'fileGiven'>>(), fileGiven: cmd.getOptionValueSource('file') === 'cli' };
        return (await import('./commands/access.js')).accessCommand(opts, io);
      }),
    );

  target(
    program
      .command('explain')
      .description("why a user can do what they can on projects: now, after the manifest, and the manifest lines that decide it")
      .argument('<email>', "the user's email")
      .option('-f, --file <file>', 'manifest', 'integration.yaml')
      .option('--json', 'print the explanation as JSON')
      .option('--state <file>', 'the record (default: X.state.json beside the manifest X.yaml)'),
  )
    .addHelpText('after', '\nExample:\n  zpi explain bob@acme.com --sandbox')
    .action((email: string, _opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/explain.js')).explainCommand({ ...cmd.opts<Omit<ExplainCommandOptions, 'email'>>(), email }, io)),
    );

  program
    .command('show')
    .description('render a saved plan without contacting Zoho')
    .argument('<planfile>', 'a plan saved with `zpi plan --out`')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addHelpText('after', '\nExample:\n  zpi show plan.json --format markdown')
    .option('--full', 'text output: list every step and every user whose access changes (long lists are otherwise shortened, gains first)')
    .action((planfile: string, opts: { format: 'text' | 'json' | 'markdown'; full?: boolean }) =>
      run(async (io) => (await import('./commands/show.js')).show({ planfile, format: opts.format, full: Boolean(opts.full) }, io)),
    );

  target(
    program
      .command('export')
      .description('write the live integration as a manifest (bootstrap / import)')
      .option('-o, --output <file>', 'write to this file instead of stdout (never over an existing file without --force)')
      .option('--force', 'let -o overwrite an existing file'),
  )
    .addHelpText('after', '\nExample:\n  zpi export --sandbox -o integration.yaml')
    .action((_opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/export.js')).exportCommand(cmd.opts<ExportCommandOptions>(), io)),
    );

  program
    .command('sandbox')
    .description('run the local Zoho emulator standalone on 127.0.0.1')
    .option('--port <n>', 'port, 0-65535 (default 0: a free one)', (v: string) => {
      // Checked here: listen() throws a RangeError (a stack trace) for a port above 65535.
      if (!/^\s*\d{1,5}\s*$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('Expected a port number from 0 to 65535 (0 = any free port).');
      return Number(v);
    }, 0)
    .option('--state <file>', 'state file (created from the seed when missing)', '.zpi/sandbox.json')
    .option('--seed <file>', 'seed org (default examples/sandbox/org.json)')
    .option('--faults <spec>', "fault injection, e.g. 'rate=0.2,latency=50ms,reset=0.05,seed=7' (also ZPI_SANDBOX_FAULTS)")
    .option('--limits <spec>', "Zoho-like limits, e.g. 'concurrency=5,projects=100/120s' (also ZPI_SANDBOX_LIMITS)")
    .option('--zoho-only', 'serve only what Zoho publishes: the integration settings answer 404, so plans show manual steps')
    .addHelpText('after', '\nExample:\n  zpi sandbox --port 8800 --faults rate=0.1,seed=1')
    .action((_opts: unknown, cmd: Command) =>
      run(async (io) => (await import('./commands/sandbox.js')).sandboxCommand(cmd.opts<SandboxCommandOptions>(), io)),
    );

  // A usage error names the command whose --help explains it; the root's examples show the loop.
  for (const c of program.commands) c.showHelpAfterError(`(run zpi ${c.name()} --help for usage)`);
  for (const c of [program, ...program.commands]) {
    c.configureOutput({ outputError: (text, write) => write(withPrefixSuggestion(text, c)) });
  }
  program.addHelpText(
    'after',
    '\nExamples:\n  zpi validate\n  zpi plan --sandbox\n  zpi apply --sandbox --auto-approve\n\n' +
      'Run zpi <command> --help for its options and an example.',
  );

  return program;
}

/**
 * commander suggests flags by edit distance only, so `--detailed` or `--allow` got no hint; a flag that
 * starts an option's name (`--detailed` → `--detailed-exitcode`) is the likeliest meaning.
 */
function withPrefixSuggestion(text: string, c: Command): string {
  const m = /^error: unknown option '(--[^'=]+)(=[^']*)?'\n$/.exec(text);
  if (!m) return text;
  const flag = m[1] as string;
  const longs = [...c.options, ...(c.parent?.options ?? [])]
    .map((o) => o.long)
    .filter((l): l is string => l !== undefined && l.startsWith(flag));
  if (longs.length === 0) return text;
  return `${text}(Did you mean ${longs.length === 1 ? longs[0] : `one of ${longs.join(', ')}`}?)\n`;
}

/** A duration such as 30s, 2m or 500ms (a bare number is seconds), in seconds. */
function durationArg(v: string): number {
  const ms = /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  if (ms === undefined || !Number.isFinite(ms) || ms > 24 * 3600 * 1000) throw new InvalidArgumentError('Expected a duration such as 30s, 2m or 500ms (at most 24 h).');
  return ms / 1000;
}
/** API calls in flight: Zoho CRM allows 5 (Free) to 25 (Ultimate) concurrent calls per org. */
function concurrencyArg(v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n < 1 || n > 25) throw new InvalidArgumentError('Expected a whole number from 1 to 25.');
  return n;
}
function floatArg(v: string): number {
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('Expected a percentage from 0 to 100.');
  return n;
}

/** Entry point: returns the exit code; the only place that decides how an error is shown. */
export async function main(argv: string[]): Promise<number> {
  let pending: Runner | undefined;
  const program = buildProgram((r) => {
    pending = r;
  });
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 1;
    }
    return reportError(err, (t) => void process.stderr.write(t));
  }
  if (!pending) return 0;
  const io = processIo(program.opts<{ color: boolean }>().color === false);
  let result: number | ExitAtOnce;
  try {
    result = await pending(io);
  } catch (err) {
    return reportError(err, io.err);
  }
  // Stopped at once (a second Ctrl-C during apply): the work still in flight is abandoned.
  if (result instanceof ExitAtOnce) process.exit(result.code);
  return result;
}

export function reportError(err: unknown, print: (t: string) => void): number {
  // Every error line has the known secrets masked and control characters escaped: messages quote Zoho and files.
  const write = safeWriter(print);
  if (err instanceof UserError) {
    // One line per problem (a manifest or plan error may hold several), each marked as an error.
    write(`${err.message.split('\n').map((line) => `error: ${line}`).join('\n')}\n`);
    return 1;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  write(`${stack}\n\nzpi: internal error — this is a bug; please report it with the lines above.\n`);
  return 1;
}
