/** Mapping the editor cursor to a data row (no `vscode` import, unit-tested). */

export type RowAtCursor =
  | { kind: 'header' }
  | { kind: 'blank' }
  | { kind: 'row'; /** 1-based file line */ line: number };

/** What the line under the cursor is, by file format (CSV has a header on its first line). */
export function rowAtLine(fileName: string, line0: number, lineText: string): RowAtCursor {
  const csv = fileName.toLowerCase().endsWith('.csv');
  if (csv && line0 === 0) return { kind: 'header' };
  if (!lineText.trim()) return { kind: 'blank' };
  return { kind: 'row', line: line0 + 1 };
}

/**
 * 0-based row index of the row that starts on 1-based `line`, given the loader's `lines` table
 * (sorted ascending). A line inside a multi-line (quoted) CSV record maps to that record. -1 if none.
 */
export function indexForLine(lines: ArrayLike<number>, line: number): number {
  let lo = 0, hi = lines.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid] <= line) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** Fallback when the worker's line table is not known: count non-blank lines above (header excluded). */
export function estimateIndex(fileName: string, textLines: readonly string[], line0: number): number {
  const csv = fileName.toLowerCase().endsWith('.csv');
  let idx = -1;
  for (let i = csv ? 1 : 0; i <= line0 && i < textLines.length; i++) if (textLines[i].trim()) idx++;
  return idx;
}
