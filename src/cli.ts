/**
 * influence-lens: the engine on the command line. JSON with --json; exit 0 ok, 2 bad input, 1 internal error.
 */
import { parseArgs, type ParsedArgs } from './cli/args';
import { BOOLEAN_FLAGS } from './cli/common';
import { columns, commandHelp, switchesOf, type CommandSpec } from './cli/options';
import { InputError } from './engine/data/dataset';
import { CancelledError } from './engine/types';
import * as explain from './cli/commands/explain';
import * as groups from './cli/commands/groups';
import * as selfInfluence from './cli/commands/selfInfluence';
import * as demo from './cli/commands/demo';
import * as sweep from './cli/commands/sweep';
import * as select from './cli/commands/select';
import * as triage from './cli/commands/triage';
import * as verify from './cli/commands/verify';

/** A command declares its options (`spec`, from which its --help is made) or, briefly, a usage line. */
interface Command { spec?: CommandSpec; usage?: string; run(args: ParsedArgs): Promise<void> }

export const commands: Record<string, Command> = {
  explain,
  groups,
  'self-influence': selfInfluence,
  demo,
  sweep,
  select,
  triage,
  verify,
};

const summary = (c: Command) => c.spec?.summary ?? c.usage ?? '';

/** `influence-lens --help`: commands, data formats, exit codes. */
export function globalHelp(): string {
  return [
    'influence-lens — explain a model\'s predictions by the training data that caused them',
    '',
    'usage: influence-lens <command> [options]        influence-lens <command> --help   (that command\'s options)',
    '',
    'commands:',
    columns(Object.entries(commands).map(([name, c]) => [name, summary(c)])),
    '',
    'data formats:',
    columns([
      ['CSV', 'a header row; the label column by name (--label, default "label"), every other column a number'],
      ['JSONL', 'one object per line: {"features": [numbers], "label": …} or named numeric fields and the label'],
      ['labels', 'strings or integers; the test file may use only classes the training file has'],
      ['groups', '--groups G.json: [{"name": "…", "members": [0-based training row indices]}] (docs/groups.sample.json)'],
      ['models', '--tfjs-model: a TensorFlow.js Layers model.json with its weight files; otherwise a linear model is fitted'],
    ]),
    '',
    'Row indices (--test-index, group members, the "row" column) are 0-based: row 0 is the first data row,',
    'line 2 of a CSV with a header. Results name file:line so they can be opened. Data files are only read.',
    '',
    'exit codes:',
    columns([['0', 'done'], ['2', 'bad input or options: the message names the file and line, or the option'], ['1', 'internal error (a bug: please report it with the message)'], ['130', 'cancelled']]),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  try {
    const [name = 'help', ...rest] = argv;
    if (name === 'help' || name === '--help' || name === '-h') {
      const sub = name === 'help' ? rest[0] : undefined;
      const c = sub ? commands[sub] : undefined;
      if (sub && !c) throw new InputError(`unknown command '${sub}' (commands: ${Object.keys(commands).join(', ')})`);
      process.stdout.write((c?.spec ? commandHelp(c.spec) : globalHelp()) + '\n');
      return 0;
    }
    const cmd = commands[name];
    if (!cmd) throw new InputError(`unknown command '${name}' (commands: ${Object.keys(commands).join(', ')}; influence-lens --help for more)`);
    const switches = cmd.spec ? new Set([...switchesOf(cmd.spec.options), 'help']) : BOOLEAN_FLAGS;
    const known = cmd.spec ? new Set(cmd.spec.options.map((o) => o.name)) : undefined;
    const args = parseArgs(argv, switches, known);
    if (args.flags.has('help')) {
      process.stdout.write((cmd.spec ? commandHelp(cmd.spec) : `usage: influence-lens ${name} ${cmd.usage ?? ''}`) + '\n');
      return 0;
    }
    await cmd.run(args);
    return 0;
  } catch (e) {
    if (e instanceof InputError) { process.stderr.write(`error: ${e.message}\n`); return 2; }
    if (e instanceof CancelledError) { process.stderr.write('cancelled\n'); return 130; }
    process.stderr.write(`internal error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `influence-lens … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  main(process.argv.slice(2)).then((code) => {
    // The benchmark reads the process's own peak memory (Node cannot see a child's rusage).
    if (process.env.BENCH_REPORT_RSS) process.stderr.write(`peak-rss-kb:${process.resourceUsage().maxRSS}\n`);
    process.exitCode = code;
  });
}
