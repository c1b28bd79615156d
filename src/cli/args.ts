/**
 * Minimal argument parser: `--flag value`, `--flag=value`, and switches (`--json`) that take no value.
 * Which options are switches comes from the command's option declarations (src/cli/options.ts).
 * Unknown options are errors.
 */
import { InputError } from '../engine/data/dataset';
import type { OptionSpec } from './options';

export interface ParsedArgs { command: string; flags: Map<string, string | true>; positional: string[] }

/**
 * `known` (all option names of the command, when it declares them) lets `--label --json` fail as a missing
 * value instead of reading "--json" as the label.
 */
export function parseArgs(argv: string[], switches: ReadonlySet<string>, known?: ReadonlySet<string>): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (switches.has(name)) {
      if (eq > 0) throw new InputError(`--${name} is a switch and takes no value (got '${a}')`);
      flags.set(name, true);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new InputError(`--${name} needs a value`);
    if (eq < 0 && value.startsWith('--') && (switches.has(value.slice(2)) || known?.has(value.slice(2).split('=')[0]))) {
      throw new InputError(`--${name} needs a value, but the next argument is the option ${value}`);
    }
    flags.set(name, value);
  }
  return { command, flags, positional };
}

export class Flags {
  private readonly specs = new Map<string, OptionSpec>();
  private readonly allowed: string[];

  /** `allowed`: option names, or their declarations (which also give the defaults). */
  constructor(private readonly parsed: ParsedArgs, allowed: readonly (string | OptionSpec)[]) {
    this.allowed = allowed.map((a) => (typeof a === 'string' ? a : a.name));
    for (const a of allowed) if (typeof a !== 'string') this.specs.set(a.name, a);
    for (const k of parsed.flags.keys()) {
      if (k !== 'help' && !this.allowed.includes(k)) {
        throw new InputError(`unknown option --${k} for '${parsed.command}' (allowed: ${this.allowed.map((a) => '--' + a).join(' ')}; see influence-lens ${parsed.command} --help)`);
      }
    }
  }
  has(name: string): boolean { return this.parsed.flags.has(name); }
  str(name: string): string | undefined {
    const v = this.parsed.flags.get(name);
    if (typeof v === 'string') return v;
    const d = this.specs.get(name)?.default;
    return d === undefined ? undefined : String(d);
  }
  /** Was the option given on the command line (not just defaulted)? */
  given(name: string): boolean { return typeof this.parsed.flags.get(name) === 'string'; }
  need(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new InputError(`missing required option --${name} (see influence-lens ${this.parsed.command} --help)`);
    return v;
  }
  num(name: string, fallback?: number): number | undefined {
    const v = this.given(name) ? this.str(name) : fallback !== undefined ? String(fallback) : this.str(name);
    if (v === undefined) return undefined;
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new InputError(`--${name} must be a number, got '${v}'`);
    return x;
  }
  int(name: string, fallback?: number): number | undefined {
    const x = this.num(name, fallback);
    if (x !== undefined && !Number.isInteger(x)) throw new InputError(`--${name} must be an integer, got '${this.str(name)}'`);
    return x;
  }
  oneOf<T extends string>(name: string, options: readonly T[], fallback?: T): T {
    const v = (this.given(name) ? this.str(name) : fallback ?? this.str(name)) as T | undefined;
    if (v === undefined || !options.includes(v)) throw new InputError(`--${name} must be one of ${options.join('|')}, got '${v}'`);
    return v;
  }
}
