/**
 * "Set Up Workspace": a short quick-pick flow (training file, test file, label column) that writes
 * influence.config.json next to the training file, only after the user confirms. Data files are only read.
 */
import * as vscode from 'vscode';
import { DEFAULT_CONFIG_L2, type InfluenceConfig } from '../protocol';
import { CONFIG_FILE_NAME, guessImageShape, renderConfig } from './config';
import { SAMPLE_FOLDER, trySampleDigits } from './sample';

const decoder = new TextDecoder();

function relPath(fromDir: vscode.Uri, to: vscode.Uri): string {
  const a = fromDir.path.split('/').filter(Boolean);
  const b = to.path.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** Column names (CSV header) or field names (first JSONL object) of a data file. */
export function columnsOf(fileName: string, firstLine: string): string[] {
  if (fileName.toLowerCase().endsWith('.jsonl')) {
    try {
      const o: unknown = JSON.parse(firstLine);
      return o && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : [];
    } catch { return []; }
  }
  return firstLine.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

async function firstLine(uri: vscode.Uri): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const text = decoder.decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

const SAMPLE_ITEM = { label: '$(beaker) Try it on sample digits', detail: `Write a sample workspace (handwritten digits as CSV) into a ${SAMPLE_FOLDER} folder you pick`, sample: true };

/**
 * Runs the flow; resolves to the written config's URI, or undefined if the user cancelled or chose the
 * sample (which writes its own config and offers to open its folder).
 */
export async function runSetup(): Promise<vscode.Uri | undefined> {
  const files = vscode.workspace.workspaceFolders?.length
    ? await vscode.workspace.findFiles('**/*.{csv,jsonl}', '**/{node_modules,.git}/**', 500) : [];
  const start = await vscode.window.showQuickPick([
    ...(files.length ? [{ label: '$(folder-opened) Use data files in this workspace', detail: `${files.length} .csv/.jsonl file${files.length === 1 ? '' : 's'} found`, sample: false }] : []),
    SAMPLE_ITEM,
  ], {
    title: 'Influence Lens: set up',
    placeHolder: files.length ? 'Explain your own model and data, or try the sample first' : 'No .csv or .jsonl files in this workspace: try the sample digits?',
    ignoreFocusOut: true,
  });
  if (!start) return undefined;
  if (start.sample) {
    const dir = await trySampleDigits();
    const inWorkspace = dir && vscode.workspace.getWorkspaceFolder(dir);
    return inWorkspace ? vscode.Uri.joinPath(dir, CONFIG_FILE_NAME) : undefined;
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const items = files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }));
  const guess = (re: RegExp) => items.find((i) => re.test(i.label.split('/').pop() ?? ''));
  const pick = async (title: string, list: typeof items, preferred?: (typeof items)[number]) => {
    const ordered = preferred ? [preferred, ...list.filter((i) => i !== preferred)] : list;
    return vscode.window.showQuickPick(ordered, { title, placeHolder: title, ignoreFocusOut: true });
  };
  const train = await pick('Influence Lens setup (1/3): training data file', items, guess(/train/i));
  if (!train) return undefined;
  const rest = items.filter((i) => i !== train);
  if (!rest.length) { void vscode.window.showWarningMessage('Influence Lens: a separate test file is needed.'); return undefined; }
  const sameDir = rest.filter((i) => i.uri.path.replace(/\/[^/]*$/, '') === train.uri.path.replace(/\/[^/]*$/, ''));
  const test = await pick('Influence Lens setup (2/3): test data file', rest, sameDir.find((i) => /test|val/i.test(i.label)) ?? guess(/test|val/i));
  if (!test) return undefined;
  const cols = columnsOf(train.uri.path, await firstLine(train.uri));
  const colItems = cols.map((c) => ({ label: c }));
  const preferred = colItems.find((c) => /^(label|target|class|y)$/i.test(c.label));
  const col = await vscode.window.showQuickPick(preferred ? [preferred, ...colItems.filter((c) => c !== preferred)] : colItems,
    { title: 'Influence Lens setup (3/3): label column', placeHolder: 'the column that holds the class', ignoreFocusOut: true });
  if (!col) return undefined;
  const dir = vscode.Uri.joinPath(train.uri, '..');
  const config: InfluenceConfig = {
    train: relPath(dir, train.uri), test: relPath(dir, test.uri), labelColumn: col.label, model: { type: 'linear', l2: DEFAULT_CONFIG_L2 },
  };
  const shape = guessImageShape(cols.length - 1);
  if (shape) config.imageShape = shape;
  const target = vscode.Uri.joinPath(dir, CONFIG_FILE_NAME);
  const text = renderConfig(config);
  const answer = await vscode.window.showInformationMessage(
    `Write ${vscode.workspace.asRelativePath(target)}?`,
    { modal: true, detail: `${text}\nOnly this file is written; data files are never modified.` },
    'Write Config');
  if (answer !== 'Write Config') return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  return target;
}
