/**
 * Every CLI option is declared once, here or in its command's spec: name, value placeholder, default and
 * meaning. The parser's switches (options without a value), each command's allowed options, its defaults
 * and its --help text are all derived from these declarations.
 */
import {
  BACKEND_CHOICES, CURVATURE_CHOICES, DEFAULT_SETTINGS, MODEL_CHOICES, SOLVER_CHOICES,
} from './choices';
import { BYO_OPTIONS } from './byo';
import { SOURCE_NAMES } from '../engine/analyzer/sources/index';

export interface OptionSpec {
  /** Without the leading `--`. */
  name: string;
  /** Placeholder of the value (FILE, λ, K); absent for a switch such as --json. */
  value?: string;
  /** The allowed values; the help lists them. */
  choices?: readonly string[];
  /** Used when the option is absent (and shown in the help). */
  default?: string | number;
  /** Shown instead of the default value when it depends on the data ("exact up to 2500 parameters…"). */
  defaultText?: string;
  required?: boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer explanation printed under the usage line of `<command> --help`. */
  description?: string;
  options: readonly OptionSpec[];
  examples?: readonly string[];
}

export const isSwitch = (o: OptionSpec): boolean => o.value === undefined;

/** The switches of a set of options (the parser does not take a value after them). */
export function switchesOf(options: readonly OptionSpec[]): Set<string> {
  return new Set(options.filter(isSwitch).map((o) => o.name));
}

export const JSON_OPTION: OptionSpec = { name: 'json', help: 'print one JSON object on stdout instead of tables (progress and notes go to stderr)' };
export const HELP_OPTION: OptionSpec = { name: 'help', help: 'show this help' };

/** Data, model and solver: every command that opens a session takes these. */
export const SESSION_OPTIONS: readonly OptionSpec[] = [
  { name: 'train', value: 'FILE', required: true, help: 'training data: CSV with a header row, JSONL, Parquet, or an image folder <dir>/<class>/*.png|jpg' },
  { name: 'test', value: 'FILE', required: true, help: 'test data with the same feature columns as the training data' },
  { name: 'label', value: 'COL', default: 'label', help: 'the label column (CSV) or field (JSONL)' },
  { name: 'l2', value: 'λ', default: DEFAULT_SETTINGS.l2, help: 'L2 strength λ of the mean-form objective (1/n)Σℓᵢ + (λ/2)‖θ‖²; must be positive for softmax (several classes)' },
  { name: 'standardize', help: 'scale every feature to mean 0, variance 1 with training statistics' },
  { name: 'no-bias-reg', help: 'leave the biases out of the L2 penalty' },
  { name: 'model', value: 'KIND', choices: MODEL_CHOICES, default: DEFAULT_SETTINGS.linearModel, help: 'linear model: auto is logistic for two classes, softmax otherwise' },
  { name: 'solver', value: 'NAME', choices: SOLVER_CHOICES, default: DEFAULT_SETTINGS.solver, defaultText: 'auto: exact up to 2500 parameters (built at the second solve on very tall data), preconditioned cg above', help: 'how H⁻¹v is solved' },
  { name: 'tfjs-model', value: 'FILE', help: 'a TensorFlow.js Layers model.json (weights next to it) to explain instead of fitting a linear model' },
  { name: 'backend', value: 'NAME', choices: BACKEND_CHOICES, default: DEFAULT_SETTINGS.backend, help: 'TensorFlow.js backend for --tfjs-model; auto tries them in this order, a failing one falls through to the next' },
  { name: 'curvature', value: 'KIND', choices: CURVATURE_CHOICES, default: DEFAULT_SETTINGS.curvature, help: 'curvature for --tfjs-model: the positive semi-definite Gauss-Newton matrix or the exact Hessian' },
  ...BYO_OPTIONS,
  { name: 'source', value: 'NAME', choices: SOURCE_NAMES, help: 'any registered model source by name, with --source-file (the flags above are shorthands for it)' },
  { name: 'source-file', value: 'FILE', help: 'the file --source opens (model.json, model.onnx…)' },
  { name: 'edits', value: 'FILE', help: 'influence.edits.json: relabel/exclude edits applied to the training rows before fitting (the data file is not changed)' },
  JSON_OPTION,
];

/** Switches of commands without a spec of their own: the session's, --retrain and --help. */
export const LEGACY_SWITCHES: ReadonlySet<string> = new Set([...switchesOf(SESSION_OPTIONS), 'retrain', 'help']);

function optionLine(o: OptionSpec): [string, string] {
  const left = `--${o.name}${o.value ? ` ${o.choices ? o.choices.join('|') : o.value}` : ''}`;
  const extra: string[] = [];
  if (o.required) extra.push('required');
  else if (o.defaultText) extra.push(`default ${o.defaultText}`);
  else if (o.default !== undefined) extra.push(`default ${o.default}`);
  return [left, o.help + (extra.length ? ` (${extra.join('; ')})` : '')];
}

/** Two columns, the right one wrapped at `width`. */
export function columns(rows: [string, string][], width = 100, indent = 2): string {
  const w = Math.min(34, Math.max(...rows.map(([l]) => l.length)));
  const out: string[] = [];
  for (const [l, r] of rows) {
    const words = r.split(' ');
    const lines: string[] = [];
    let cur = '';
    for (const word of words) {
      if (cur && cur.length + 1 + word.length > width - indent - w - 2) { lines.push(cur); cur = word; } else cur = cur ? `${cur} ${word}` : word;
    }
    lines.push(cur);
    const pad = ' '.repeat(indent);
    if (l.length > w) { out.push(pad + l); out.push(...lines.map((x) => pad + ' '.repeat(w + 2) + x)); continue; }
    out.push(pad + l.padEnd(w) + '  ' + lines[0], ...lines.slice(1).map((x) => pad + ' '.repeat(w + 2) + x));
  }
  return out.join('\n');
}

export function usageLine(spec: CommandSpec): string {
  const req = spec.options.filter((o) => o.required).map((o) => `--${o.name} ${o.value}`);
  return `influence-lens ${spec.name}${req.length ? ' ' + req.join(' ') : ''} [options]`;
}

/** `influence-lens <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  return [
    `usage: ${usageLine(spec)}`,
    '',
    spec.description ?? spec.summary,
    '',
    'options:',
    columns([...spec.options, HELP_OPTION].map(optionLine)),
    ...(spec.examples?.length ? ['', 'examples:', ...spec.examples.map((e) => '  ' + e)] : []),
  ].join('\n');
}
