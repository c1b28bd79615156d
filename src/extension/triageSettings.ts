/** Settings of the Suspect Training Rows view (`influenceLens.triage.*`), read fresh on every use; defaults match package.json. */
import * as vscode from 'vscode';

export interface TriageSettings {
  /** Rows listed. */
  rows: number;
  folds: number;
  /** Test rows the harm signal is measured on: all | misclassified | class:C | rows:1,5,9. */
  testSet: string;
  flagFraction: number;
}

export function readTriageSettings(): TriageSettings {
  const c = vscode.workspace.getConfiguration('influenceLens.triage');
  return {
    rows: c.get<number>('rows', 50),
    folds: c.get<number>('folds', 5),
    testSet: c.get<string>('testSet', 'all'),
    flagFraction: c.get<number>('flagFraction', 0.05),
  };
}
