// Shared helpers of the extension-host suites: the extension's API (typed by the fixed contract,
// loosely, so the suites compile whatever else the API grows), the workspace copy, and the CLI
// (the reference the extension's results are compared with).
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'influence-lens.influence-lens';

export const COMMANDS = [
  'influenceLens.explainPrediction',
  'influenceLens.sweepClasses',
  'influenceLens.refreshGroups',
  'influenceLens.restartWorker',
  'influenceLens.setup',
] as const;

export interface WorkerHandle {
  request(method: string, params?: unknown): Promise<unknown>;
  restart(): Promise<unknown> | unknown;
  readonly state: unknown;
}

export interface InfluenceLensApi {
  worker: WorkerHandle;
  handleWebviewMessage(panelKind: string, msg: unknown): Promise<unknown> | unknown;
  readonly lastExplain?: unknown;
}

export interface RowRef { index: number; score: number; file?: string; line?: number }
export interface ExplainLike { testIndex?: number; harmful: RowRef[]; helpful: RowRef[]; predicted: string; label: string }

export async function activate(): Promise<InfluenceLensApi> {
  const ext = vscode.extensions.getExtension<InfluenceLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api && typeof api === 'object', 'activate() returned no API');
  return api;
}

export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return ext.extensionPath;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run must open the example workspace copy');
  return folder.uri;
}
export const wsFile = (name: string): vscode.Uri => vscode.Uri.joinPath(workspaceRoot(), name);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `fn` until it returns a truthy value (errors count as "not yet"). */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 250): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A call that never settles (e.g. a request to a dead worker) must not outlive the timeout.
      const v = await Promise.race([
        Promise.resolve().then(fn),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('attempt timed out')), Math.max(end - Date.now(), 1)); }),
      ]);
      if (v) return v as Truthy<T>;
      last = v;
    } catch (e) {
      last = e;
    } finally {
      clearTimeout(timer);
    }
    await sleep(everyMs);
  }
  const why = last instanceof Error ? last.message : JSON.stringify(last);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${why})`);
}

/** Finds the explain result in whatever wrapper the extension keeps it (result / view / explain). */
export function asExplain(x: unknown): ExplainLike | undefined {
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number): ExplainLike | undefined => {
    if (!v || typeof v !== 'object' || depth > 3 || seen.has(v)) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.harmful) && Array.isArray(o.helpful)) return o as unknown as ExplainLike;
    for (const k of ['result', 'explain', 'view']) {
      const r = visit(o[k], depth + 1);
      if (r) return r;
    }
    return undefined;
  };
  return visit(x, 0);
}

/** Runs the project's CLI (dist/cli.js) the way a user would, on the workspace copy. */
export function cliExplain(testIndex: number, top: number): Promise<ExplainLike> {
  const root = workspaceRoot().fsPath;
  const cli = process.env.INFLUENCE_LENS_CLI || path.join(extensionPath(), 'dist', 'cli.js');
  const args = [cli, 'explain', '--train', path.join(root, 'train.csv'), '--test', path.join(root, 'test.csv'),
    '--test-index', String(testIndex), '--top', String(top), '--json'];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`CLI failed: node ${args.join(' ')}\n${stderr}\n${err.message}`));
        try {
          const r = asExplain(JSON.parse(stdout));
          if (!r) throw new Error('no harmful/helpful in the CLI output');
          resolve(r);
        } catch (e) {
          reject(new Error(`CLI output is not the expected JSON: ${(e as Error).message}\n${stdout.slice(0, 500)}`));
        }
      });
  });
}

/** Same top-`k` harmful rows (indices in order), with scores agreeing to `rtol`. */
export function assertSameTop(actual: ExplainLike, expected: ExplainLike, k: number, what: string, rtol = 1e-3): void {
  const a = actual.harmful.slice(0, k);
  const e = expected.harmful.slice(0, k);
  const show = (rows: RowRef[]) => rows.map((r) => `${r.index}:${r.score.toPrecision(4)}`).join(' ');
  assert.deepStrictEqual(a.map((r) => r.index), e.map((r) => r.index),
    `${what}: top ${k} harmful rows differ from the CLI\n  extension: ${show(a)}\n  CLI:       ${show(e)}`);
  for (let i = 0; i < e.length; i++) {
    const tol = rtol * Math.max(Math.abs(e[i].score), 1e-12) + 1e-12;
    assert.ok(Math.abs(a[i].score - e[i].score) <= tol,
      `${what}: score of row ${e[i].index}: extension ${a[i].score}, CLI ${e[i].score}`);
  }
}

/** The workspace's influence.config.json as it is now, and a way to put it back after a test edits it. */
export async function savedConfig(): Promise<{ uri: vscode.Uri; text: string; restore(): Promise<void> }> {
  const uri = wsFile('influence.config.json');
  const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString();
  return { uri, text, restore: () => Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from(text))) };
}
