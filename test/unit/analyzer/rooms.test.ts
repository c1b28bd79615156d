/**
 * The rooms and their doors, checked on the source text: the protocol imports nothing outside itself,
 * the webview imports only the protocol and itself, the extension imports no values from the worker
 * or the engine, and the engine imports neither vscode nor the rooms above it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function files(dir: string, exts = ['.ts', '.svelte']): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...files(rel, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(rel);
  }
  return out;
}

interface Import { file: string; spec: string; typeOnly: boolean; line: number }

/** Static and dynamic imports (and requires) with whether they are type-only. */
export function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const out: Import[] = [];
  const lineAt = (i: number) => text.slice(0, i).split('\n').length;
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"`;]*?from\s+['"]([^'"]+)['"]/gm)) out.push({ file, spec: m[3], typeOnly: !!m[2], line: lineAt(m.index!) });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ file, spec: m[1], typeOnly: false, line: lineAt(m.index!) });
  for (const m of text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ file, spec: m[1], typeOnly: false, line: lineAt(m.index!) });
  return out;
}

/** Where an import lands, relative to the repository root (null for packages). */
function target(i: Import): string | null {
  if (!i.spec.startsWith('.')) return null;
  return path.relative(root, path.resolve(root, path.dirname(i.file), i.spec));
}

const show = (xs: Import[]) => xs.map((i) => `${i.file}:${i.line} imports ${i.spec}`).join('\n');

describe('rooms', () => {
  test('the protocol imports nothing outside src/protocol (no vscode, no vscode-jsonrpc, no engine)', () => {
    const bad = files('src/protocol').flatMap(importsOf).filter((i) => { const t = target(i); return t === null || !t.startsWith('src/protocol'); });
    assert.equal(show(bad), '');
  });

  test('the webview imports only the protocol, itself and its UI packages', () => {
    const packages = /^(svelte|@vscode-elements\/)/;
    const bad = files('webview').flatMap(importsOf).filter((i) => {
      const t = target(i);
      if (t === null) return !packages.test(i.spec);
      return !(t.startsWith('webview') || t === 'src/protocol' || t.startsWith('src/protocol/'));
    });
    assert.equal(show(bad), '');
  });

  test('the extension imports no values from the worker or the engine', () => {
    const bad = files('src/extension').flatMap(importsOf).filter((i) => {
      const t = target(i);
      return t !== null && !i.typeOnly && (t.startsWith('src/worker') || t.startsWith('src/engine'));
    });
    assert.equal(show(bad), '');
  });

  test('the engine imports neither vscode nor the protocol, worker, extension or CLI', () => {
    const bad = files('src/engine').flatMap(importsOf).filter((i) => {
      if (i.spec === 'vscode') return true;
      const t = target(i);
      return t !== null && !t.startsWith('src/engine');
    });
    assert.equal(show(bad), '');
  });
});

describe('engine purity', () => {
  // File writes, and effects on the whole process: the engine computes, its callers (CLI, worker, tools) act.
  const FORBIDDEN: Array<[RegExp, string]> = [
    [/\b(writeFile|appendFile|mkdir|rename|unlink|rmdir|copyFile|symlink|truncate|chmod|chown|utimes)(Sync)?\s*\(/, 'file-system write'],
    [/\b(rm|rmSync|cp|cpSync)\s*\(/, 'file-system write'],
    [/\bcreateWriteStream\s*\(/, 'file-system write'],
    [/\bprocess\.(exit|on|once|chdir|kill|abort|umask|setuid|setgid)\b/, 'process-level side effect'],
    [/\bprocess\.env\.[A-Za-z_]+\s*=[^=]/, 'process-level side effect'],
    [/\bprocess\.(stdout|stderr)\.write\b/, 'writes to the terminal'],
    [/\bconsole\.(log|warn|error|info)\b/, 'writes to the terminal'],
  ];

  test('src/engine has no file writes, process-level side effects or terminal output, and no vscode import', () => {
    const found: string[] = [];
    for (const file of files('src/engine', ['.ts'])) {
      readFileSync(path.join(root, file), 'utf8').split('\n').forEach((line, k) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/^\s*\*/.test(code)) return; // doc comments
        for (const [re, what] of FORBIDDEN) if (re.test(code)) found.push(`${file}:${k + 1}: ${what}: ${line.trim()}`);
        if (/from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)/.test(code)) found.push(`${file}:${k + 1}: imports vscode`);
      });
    }
    assert.equal(found.join('\n'), '');
  });
});
