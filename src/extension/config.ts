/**
 * `influence.config.json`: parsing and validation with positions (no `vscode` import, unit-tested).
 * The extension turns `ConfigProblem`s into diagnostics on the config file.
 */
import { MODEL_TYPES, type ImagesConfig, type InfluenceConfig, type ModelConfig, type ScoresConfig } from '../protocol';
import { JsonSyntaxError, parseJsonTree, type JsonNode, type JsonProp } from './jsonTree';

export const CONFIG_FILE_NAME = 'influence.config.json';
export const DATA_EXTENSIONS = ['.csv', '.jsonl'];
/** Also read by the worker: Parquet tables and image folders (<folder>/<class>/*.png|jpg, no extension). */
export const TABLE_EXTENSIONS = [...DATA_EXTENSIONS, '.parquet'];

export interface ConfigProblem {
  message: string;
  /** Character offsets into the file text. */
  offset: number;
  length: number;
  severity: 'error' | 'warning';
  /** Property path, e.g. "model.l2". */
  path: string;
}

export interface ConfigCheck {
  config?: InfluenceConfig;
  problems: ConfigProblem[];
  /** Where the train/test values are (for "file not found" problems found later). */
  fileRefs: Array<{ key: 'train' | 'test' | 'model.path' | 'scores.path'; value: string; offset: number; length: number }>;
}

const KNOWN = new Set(['$schema', 'train', 'test', 'labelColumn', 'model', 'imageShape', 'scores', 'images', 'featureColumns', 'ignoreColumns']);

function extOf(p: string): string {
  const m = /\.[^./\\]+$/.exec(p);
  return m ? m[0].toLowerCase() : '';
}

export function validateConfigText(text: string): ConfigCheck {
  const problems: ConfigProblem[] = [];
  const fileRefs: ConfigCheck['fileRefs'] = [];
  let root: JsonNode;
  try {
    root = parseJsonTree(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      problems.push({ message: `Invalid JSON: ${e.message}`, offset: e.offset, length: 1, severity: 'error', path: '' });
      return { problems, fileRefs };
    }
    throw e;
  }
  if (root.type !== 'object') {
    problems.push({ message: 'The configuration must be a JSON object.', offset: root.offset, length: root.length, severity: 'error', path: '' });
    return { problems, fileRefs };
  }
  const err = (node: { offset: number; length: number }, path: string, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ message, offset: node.offset, length: node.length, severity, path });
  const props = new Map<string, JsonProp>();
  for (const p of root.props) {
    if (props.has(p.key)) err({ offset: p.keyOffset, length: p.keyLength }, p.key, `Duplicate property "${p.key}".`);
    props.set(p.key, p);
    if (!KNOWN.has(p.key)) {
      err({ offset: p.keyOffset, length: p.keyLength }, p.key,
        `Unknown property "${p.key}" (expected one of ${[...KNOWN].filter((k) => k !== '$schema').join(', ')}).`, 'warning');
    }
  }
  const rootKeyRange = { offset: root.offset, length: 1 };

  const dataFile = (key: 'train' | 'test'): string | undefined => {
    const p = props.get(key);
    if (!p) { err(rootKeyRange, key, `Missing required property "${key}" (path of the ${key === 'train' ? 'training' : 'test'} data file, relative to this file).`); return undefined; }
    if (p.value.type !== 'string' || !p.value.value.trim()) { err(p.value, key, `"${key}" must be a non-empty string (a .csv, .jsonl or .parquet path, or an image folder).`); return undefined; }
    const v = p.value.value;
    // No extension: an image folder <folder>/<class>/*.png|jpg.
    if (extOf(v) && !TABLE_EXTENSIONS.includes(extOf(v))) err(p.value, key, `"${key}" must name a .csv, .jsonl or .parquet file or an image folder, not a "${extOf(v)}" file.`);
    fileRefs.push({ key, value: v, offset: p.value.offset, length: p.value.length });
    return v;
  };
  const train = dataFile('train');
  const test = dataFile('test');

  let labelColumn: string | undefined;
  const lc = props.get('labelColumn');
  if (lc) {
    if (lc.value.type !== 'string' || !lc.value.value) err(lc.value, 'labelColumn', '"labelColumn" must be a non-empty string.');
    else labelColumn = lc.value.value;
  }

  let model: ModelConfig | undefined;
  const mp = props.get('model');
  if (mp) {
    const m = mp.value;
    if (m.type !== 'object') err(m, 'model', '"model" must be an object such as {"type": "linear", "l2": 0.001}.');
    else {
      const mprops = new Map(m.props.map((p) => [p.key, p]));
      const t = mprops.get('type');
      const type = t?.value.type === 'string' ? t.value.value : undefined;
      if (!t) err(m, 'model.type', `Missing "type" in "model" (${MODEL_TYPES.map((x) => `"${x}"`).join(', ')}).`);
      else if (!(MODEL_TYPES as readonly (string | undefined)[]).includes(type)) err(t.value, 'model.type', `Unknown model type ${JSON.stringify(type ?? null)}: use ${MODEL_TYPES.map((x) => `"${x}"`).join(', ')}.`);
      for (const p of m.props) {
        const allowed = type === 'tfjs' ? ['type', 'path'] : type === 'onnx' ? ['type', 'path', 'keepHead'] : ['type', 'l2'];
        if (!allowed.includes(p.key)) err({ offset: p.keyOffset, length: p.keyLength }, `model.${p.key}`, `Unknown property "${p.key}" for a ${type ?? 'model'} model.`, 'warning');
      }
      if (type === 'linear') {
        const l2 = mprops.get('l2');
        let lambda: number | undefined;
        if (l2) {
          if (l2.value.type !== 'number') err(l2.value, 'model.l2', '"l2" must be a number (the L2 penalty λ, e.g. 0.001).');
          else if (!(l2.value.value >= 0)) err(l2.value, 'model.l2', '"l2" must be ≥ 0.');
          else {
            lambda = l2.value.value;
            if (lambda === 0) err(l2.value, 'model.l2', 'λ = 0: the Hessian may be singular and influence estimates unstable; use a small positive value.', 'warning');
          }
        }
        model = { type: 'linear', ...(lambda !== undefined ? { l2: lambda } : {}) };
      } else if (type === 'tfjs') {
        const p = mprops.get('path');
        if (!p || p.value.type !== 'string' || !p.value.value) err(p?.value ?? m, 'model.path', 'A "tfjs" model needs "path" (the model.json of a TensorFlow.js model).');
        else {
          model = { type: 'tfjs', path: p.value.value };
          fileRefs.push({ key: 'model.path', value: p.value.value, offset: p.value.offset, length: p.value.length });
        }
      } else if (type === 'onnx') {
        const p = mprops.get('path');
        const kh = mprops.get('keepHead');
        if (kh && kh.value.type !== 'boolean') err(kh.value, 'model.keepHead', '"keepHead" must be true or false (true: use the model\'s own head weights as loaded).');
        if (!p || p.value.type !== 'string' || !p.value.value) err(p?.value ?? m, 'model.path', 'An "onnx" model needs "path" (the .onnx file).');
        else {
          model = { type: 'onnx', path: p.value.value, ...(kh?.value.type === 'boolean' && kh.value.value ? { keepHead: true } : {}) };
          fileRefs.push({ key: 'model.path', value: p.value.value, offset: p.value.offset, length: p.value.length });
        }
      }
    }
  }

  let imageShape: number[] | undefined;
  const ip = props.get('imageShape');
  if (ip) {
    const v = ip.value;
    if (v.type !== 'array' || (v.items.length !== 2 && v.items.length !== 3) ||
      !v.items.every((x) => x.type === 'number' && Number.isInteger(x.value) && x.value > 0)) {
      err(v, 'imageShape', '"imageShape" must be [height, width] or [height, width, channels] with positive integers, e.g. [28, 28].');
    } else {
      imageShape = v.items.map((x) => (x as { value: number }).value);
      if (imageShape.length === 3 && imageShape[2] !== 1 && imageShape[2] !== 3) err(v, 'imageShape', 'channels must be 1 (grey) or 3 (RGB).');
    }
  }

  let scores: ScoresConfig | undefined;
  const sp = props.get('scores');
  if (sp) {
    const v = sp.value;
    if (v.type !== 'object') err(v, 'scores', '"scores" must be an object such as {"path": "pairwise_scores.safetensors", "format": "kronfluence"}.');
    else {
      const sprops = new Map(v.props.map((p) => [p.key, p]));
      const strings: Record<string, string> = {};
      for (const p of v.props) {
        if (!['path', 'format', 'orientation', 'sign', 'tensor'].includes(p.key)) err({ offset: p.keyOffset, length: p.keyLength }, `scores.${p.key}`, `Unknown property "${p.key}" in "scores" (path, format, orientation, sign, tensor).`, 'warning');
        else if (p.value.type !== 'string' || !p.value.value) err(p.value, `scores.${p.key}`, `"${p.key}" must be a non-empty string.`);
        else strings[p.key] = p.value.value;
      }
      const path = sprops.get('path');
      if (!path) err(v, 'scores.path', 'A "scores" block needs "path" (the score file: .safetensors, .npy or .mmap).');
      else if (strings.path) {
        scores = strings as unknown as ScoresConfig;
        fileRefs.push({ key: 'scores.path', value: strings.path, offset: path.value.offset, length: path.value.length });
      }
      if (mp) err({ offset: sp.keyOffset, length: sp.keyLength }, 'scores', '"scores" replaces the model: remove "model" (imported scores are explained as they are).');
    }
  }

  let images: ImagesConfig | undefined;
  const imp = props.get('images');
  if (imp) {
    // The worker checks the values (sizes, means, channel order) and names the property when one is wrong.
    if (imp.value.type !== 'object') err(imp.value, 'images', '"images" must be an object such as {"size": 28, "mean": 0.5, "std": 0.5}.');
    else images = JSON.parse(text.slice(imp.value.offset, imp.value.offset + imp.value.length)) as ImagesConfig;
  }

  const columnList = (key: 'featureColumns' | 'ignoreColumns'): string[] | undefined => {
    const p = props.get(key);
    if (!p) return undefined;
    const v = p.value;
    if (v.type !== 'array' || !v.items.every((x) => x.type === 'string' && x.value)) { err(v, key, `"${key}" must be a list of column names, e.g. ["x1", "x2"].`); return undefined; }
    return v.items.map((x) => (x as { value: string }).value);
  };
  const featureColumns = columnList('featureColumns');
  const ignoreColumns = columnList('ignoreColumns');
  if (featureColumns && ignoreColumns) err(props.get('ignoreColumns')!.value, 'ignoreColumns', 'Give "featureColumns" or "ignoreColumns", not both.');

  const ok = train && test && !problems.some((p) => p.severity === 'error');
  return {
    config: ok ? {
      train, test, ...(labelColumn ? { labelColumn } : {}), ...(model ? { model } : {}), ...(imageShape ? { imageShape } : {}),
      ...(scores ? { scores } : {}), ...(images ? { images } : {}), ...(featureColumns ? { featureColumns } : {}), ...(ignoreColumns ? { ignoreColumns } : {}),
    } : undefined,
    problems,
    fileRefs,
  };
}

/** Problems that need the file system: referenced files that do not exist. */
export async function checkConfigFiles(check: ConfigCheck, exists: (relPath: string) => Promise<boolean>): Promise<ConfigProblem[]> {
  const out: ConfigProblem[] = [];
  for (const ref of check.fileRefs) {
    if (!(await exists(ref.value))) {
      out.push({ message: `File not found: ${ref.value} (paths are relative to ${CONFIG_FILE_NAME}).`, offset: ref.offset, length: ref.length, severity: 'error', path: ref.key });
    }
  }
  return out;
}

/**
 * Data files outside the workspace: they load (the worker runs where the extension host runs, so in
 * Remote they must be on the remote machine), but jump links into them are refused, because a link
 * may only open files inside the workspace. A warning on the value says so.
 */
export function checkOutsideWorkspace(check: ConfigCheck, inside: (relPath: string) => boolean): ConfigProblem[] {
  return check.fileRefs.filter((ref) => (ref.key === 'train' || ref.key === 'test') && !inside(ref.value)).map((ref) => ({
    message: `${ref.value} is outside the workspace: it loads, but links to its rows will not open (links stay inside the workspace). ` +
      `Move the file into the workspace or add its folder to the workspace.`,
    offset: ref.offset, length: ref.length, severity: 'warning' as const, path: ref.key,
  }));
}

/** A config as written by the setup quick pick. */
export function renderConfig(c: InfluenceConfig): string {
  return JSON.stringify({ train: c.train, test: c.test, labelColumn: c.labelColumn ?? 'label', model: c.model ?? { type: 'linear', l2: 0.001 }, ...(c.imageShape ? { imageShape: c.imageShape } : {}) }, null, 2) + '\n';
}

/** Guess an image shape from the number of features (square grey pictures only). */
export function guessImageShape(nFeatures: number): number[] | undefined {
  const s = Math.round(Math.sqrt(nFeatures));
  return s >= 4 && s * s === nFeatures ? [s, s] : undefined;
}
