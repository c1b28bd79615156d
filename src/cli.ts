/**
 * influence-lens: the engine on the command line. JSON with --json; exit 0 ok, 2 bad input, 1 internal error.
 */
import { parseArgs, type ParsedArgs } from './cli/args';
import { BOOLEAN_FLAGS } from './cli/common';
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

interface Command { usage: string; run(args: ParsedArgs): Promise<void> }

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

function help(): string {
  return ['usage: influence-lens <command> [options]', '', ...Object.values(commands).map((c) => '  influence-lens ' + c.usage)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv, BOOLEAN_FLAGS);
    if (args.command === 'help' || args.command === '--help' || args.flags.has('help')) { process.stdout.write(help() + '\n'); return 0; }
    const cmd = commands[args.command];
    if (!cmd) throw new InputError(`unknown command '${args.command}'\n${help()}`);
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
