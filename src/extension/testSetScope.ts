/**
 * The test-set scopes offered by "Explain the Test Set…" and the check of a typed row list, before it
 * goes to the worker (which parses the scope again, as the CLI's --test-set does).
 */

export interface ScopeChoice { label: string; description: string; scope?: string; ask?: 'class' | 'rows' }

export function scopeChoices(nTest: number, nClasses: number): ScopeChoice[] {
  return [
    { label: 'All test rows', description: `${nTest} rows`, scope: 'all' },
    { label: 'Misclassified test rows', description: 'rows the model gets wrong', scope: 'misclassified' },
    { label: 'One class…', description: `test rows labelled C (${nClasses} classes)`, ask: 'class' },
    { label: 'Rows…', description: '0-based row numbers, e.g. 1,5,9 or 3-7', ask: 'rows' },
  ];
}

/**
 * `1,5,9`, `3-7` or `rows:1,5,9` → the scope `rows:…`; a message saying what is wrong otherwise.
 * Rows must exist (0…nTest−1).
 */
export function rowsScope(input: string, nTest: number): { scope: string } | { error: string } {
  const text = input.trim().replace(/^rows:/, '').trim();
  if (!text) return { error: 'list at least one row, e.g. 1,5,9 or 3-7' };
  const parts = text.split(',').map((p) => p.trim());
  for (const p of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) return { error: `'${p}' is not a 0-based row number or range (1,5,9 or 3-7)` };
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return { error: `range '${p}' runs backwards` };
    if (b >= nTest) return { error: `row ${b} does not exist: the test file has ${nTest} rows (0…${nTest - 1})` };
  }
  return { scope: `rows:${parts.join(',')}` };
}
