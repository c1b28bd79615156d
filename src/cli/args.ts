/** Minimal argument parser: `--flag value`, `--flag=value`, boolean `--flag`. Unknown flags are errors. */
import { InputError } from '../engine/data/dataset';

export interface ParsedArgs { command: string; flags: Map<string, string | true>; positional: string[] }

export function parseArgs(argv: string[], booleans: ReadonlySet<string>): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.has(name)) { flags.set(name, true); continue; }
    const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new InputError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { command, flags, positional };
}

export class Flags {
  constructor(private readonly parsed: ParsedArgs, private readonly allowed: readonly string[]) {
    for (const k of parsed.flags.keys()) if (!allowed.includes(k)) throw new InputError(`unknown option --${k} for '${parsed.command}' (allowed: ${allowed.map((a) => '--' + a).join(' ')})`);
  }
  has(name: string): boolean { return this.parsed.flags.has(name); }
  str(name: string): string | undefined { const v = this.parsed.flags.get(name); return typeof v === 'string' ? v : undefined; }
  need(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new InputError(`missing required option --${name}`);
    return v;
  }
  num(name: string, fallback?: number): number | undefined {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isFinite(x)) throw new InputError(`--${name} must be a number, got '${v}'`);
    return x;
  }
  int(name: string, fallback?: number): number | undefined {
    const x = this.num(name, fallback);
    if (x !== undefined && !Number.isInteger(x)) throw new InputError(`--${name} must be an integer, got '${this.str(name)}'`);
    return x;
  }
  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = this.str(name) ?? fallback;
    if (!options.includes(v as T)) throw new InputError(`--${name} must be one of ${options.join('|')}, got '${v}'`);
    return v as T;
  }
}
