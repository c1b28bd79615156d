/**
 * `--edits influence.edits.json` (read only): open a session on the training data with the user's
 * relabel/exclude edits applied, so every fit, refit and retrain of the command honours them.
 * With exclusions, 0-based row indices count the rows that remain; file lines stay the file's own.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../engine/data/dataset';
import { loadDataset } from '../engine/data/load';
import { fitStandardizer, applyStandardizer } from '../engine/data/standardize';
import { applyEdits, parseEdits, type AppliedEdits } from '../engine/edits';
import { InfluenceSession, type SessionOptions } from '../engine/session';
import type { Work } from '../engine/types';

export function readEdits(file: string) {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : `cannot read (${(e as Error).message})`, file);
  }
  return parseEdits(text, file);
}

export async function openEditedSession(opts: SessionOptions, editsFile: string, work: Work = {}): Promise<{ session: InfluenceSession; applied: AppliedEdits }> {
  const doc = readEdits(editsFile);
  work.progress?.(0, 'loading data');
  const raw = loadDataset(opts.trainFile, { labelColumn: opts.labelColumn });
  let test = loadDataset(opts.testFile, { labelColumn: opts.labelColumn, reference: raw });
  const applied = applyEdits(raw, doc, editsFile);
  let train = applied.data;
  if (opts.standardize) {
    const stats = fitStandardizer(train);
    train = applyStandardizer(train, stats);
    test = applyStandardizer(test, stats);
  }
  const session = opts.tfjsModel ? await InfluenceSession.fromTfjs(opts, train, test, work) : InfluenceSession.fromData(opts, train, test, work);
  return { session, applied };
}
