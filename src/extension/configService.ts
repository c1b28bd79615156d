/**
 * Finds and watches influence.config.json, publishes its problems as diagnostics and turns a valid
 * config into the worker's `open` parameters (absolute paths, resolved relative to the config file).
 */
import * as vscode from 'vscode';
import type { InfluenceConfig, OpenParams } from '../protocol';
import { CONFIG_FILE_NAME, checkConfigFiles, checkOutsideWorkspace, validateConfigText } from './config';
import { toDiagnostics } from './diagnostics';
import { isInsideWorkspace } from './jump';
import { readEditsBeside } from './editsFile';

export interface LoadedConfig {
  uri: vscode.Uri;
  config: InfluenceConfig;
  trainUri: vscode.Uri;
  testUri: vscode.Uri;
  open: OpenParams;
}

export function resolveRelative(base: vscode.Uri, rel: string): vscode.Uri {
  if (/^([a-zA-Z]:[\\/]|\/)/.test(rel)) return base.with({ path: vscode.Uri.file(rel).path });
  return vscode.Uri.joinPath(base, '..', rel);
}

const decoder = new TextDecoder();

export class ConfigService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('influenceLens');
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];
  private readonly changed = new vscode.EventEmitter<LoadedConfig | undefined>();
  readonly onDidChange = this.changed.event;
  current: LoadedConfig | undefined;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
    const reload = () => { void this.load(); };
    watcher.onDidChange(reload); watcher.onDidCreate(reload); watcher.onDidDelete(reload);
    this.disposables.push(watcher, this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.path.endsWith(`/${CONFIG_FILE_NAME}`)) void this.check(e.document.uri, e.document.getText());
      }),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.path.endsWith(`/${CONFIG_FILE_NAME}`)) void this.check(d.uri, d.getText());
      }));
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }

  async find(): Promise<vscode.Uri | undefined> {
    const found = await vscode.workspace.findFiles(`**/${CONFIG_FILE_NAME}`, '**/node_modules/**', 20);
    // The shallowest config wins (then alphabetical), so nested examples do not shadow the root one.
    found.sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
    return found[0];
  }

  /** Checks started per config file (see check). */
  private readonly started = new Map<string, number>();

  /**
   * Validate text and publish diagnostics; returns the config when it has no errors. A write, its
   * file-watcher event and the open document's change each start a check, and the checks of valid text
   * wait on file lookups: only the latest started publishes, so one begun on the previous text cannot
   * finish last and put back its (empty) diagnostics over the new text's errors.
   */
  async check(uri: vscode.Uri, text: string): Promise<LoadedConfig | undefined> {
    const key = uri.toString();
    const mine = (this.started.get(key) ?? 0) + 1;
    this.started.set(key, mine);
    const latest = () => this.started.get(key) === mine;
    const check = validateConfigText(text);
    const fileProblems = await checkConfigFiles(check, async (rel) => {
      try { await vscode.workspace.fs.stat(resolveRelative(uri, rel)); return true; } catch { return false; }
    });
    const outside = checkOutsideWorkspace(check, (rel) => isInsideWorkspace(resolveRelative(uri, rel)));
    const problems = [...check.problems, ...fileProblems, ...outside];
    if (latest()) this.diagnostics.set(uri, toDiagnostics(text, problems));
    if (!check.config || fileProblems.length) return undefined;
    const c = check.config;
    const trainUri = resolveRelative(uri, c.train);
    const testUri = resolveRelative(uri, c.test);
    const edits = await readEditsBeside(uri);
    return {
      uri, config: c, trainUri, testUri,
      open: {
        trainFile: trainUri.fsPath, testFile: testUri.fsPath, labelColumn: c.labelColumn ?? 'label',
        l2: c.model?.type === 'linear' ? c.model.l2 : undefined, // undefined: the engine's default λ
        ...modelParams(uri, c),
        configFile: uri.fsPath,
        ...(edits ? { edits } : {}),
      },
    };
  }

  private loads = 0;
  private newest: Promise<LoadedConfig | undefined> = Promise.resolve(undefined);

  /**
   * (Re)load the workspace config. `undefined` when there is none or it has errors. When loads overlap
   * (a write and the watcher's event for it), the one begun last decides, and earlier callers get its answer.
   */
  load(): Promise<LoadedConfig | undefined> {
    const mine = ++this.loads;
    this.newest = this.loadAs(mine);
    return this.newest;
  }

  private async loadAs(mine: number): Promise<LoadedConfig | undefined> {
    const uri = await this.find();
    let loaded: LoadedConfig | undefined;
    if (uri) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const text = open ? open.getText() : decoder.decode(await vscode.workspace.fs.readFile(uri));
      loaded = await this.check(uri, text);
    }
    if (mine !== this.loads) return this.newest;
    const before = JSON.stringify(this.current?.open);
    this.current = loaded;
    if (JSON.stringify(loaded?.open) !== before) this.changed.fire(loaded);
    return loaded;
  }
}

/** Which source the worker opens: imported scores, a model file (tfjs, onnx) or the linear model it fits. */
function modelParams(uri: vscode.Uri, c: InfluenceConfig): Partial<OpenParams> {
  const columns = { images: c.images, featureColumns: c.featureColumns, ignoreColumns: c.ignoreColumns };
  if (c.scores) {
    const { path, ...layout } = c.scores;
    return { modelType: 'scores', modelPath: resolveRelative(uri, path).fsPath, scores: layout, ...columns };
  }
  const m = c.model;
  if (m?.type === 'tfjs' || m?.type === 'onnx') {
    return { modelType: m.type, modelPath: resolveRelative(uri, m.path).fsPath, ...(m.type === 'onnx' && m.keepHead ? { keepHead: true } : {}), ...columns };
  }
  return { modelType: 'linear', ...columns };
}
