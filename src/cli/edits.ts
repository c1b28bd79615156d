/**
 * `--edits influence.edits.json` (read only): open a session whose source applies the user's
 * relabel/exclude edits to the training data before fitting (SourceSpec.edits), so every fit, refit and
 * retrain of the command honours them. With exclusions, 0-based row indices count the rows that remain;
 * file lines stay the file's own.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../engine/data/dataset';
import { countEdits, parseEdits, type EditsDocument } from '../engine/edits';
import { InfluenceSession, splitOptions, type SessionOptions } from '../engine/session';
import { openSource } from '../engine/analyzer/index';
import { resolveSettings } from '../engine/analyzer/settings';
import type { Work } from '../engine/types';

export function readEdits(file: string): EditsDocument {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : `cannot read (${(e as Error).message})`, file);
  }
  return { ...parseEdits(text, file), path: file };
}

export async function openEditedSession(opts: SessionOptions, editsFile: string, work: Work = {}): Promise<{ session: InfluenceSession; applied: { relabelled: number; excluded: number } }> {
  const doc = readEdits(editsFile);
  const { spec, settings } = splitOptions(opts);
  const resolved = resolveSettings(settings);
  // The source applies the edits as it loads (any format); a stale edit is an InputError naming editsFile.
  const session = new InfluenceSession(await openSource({ ...spec, edits: doc }, resolved, work), resolved, opts);
  return { session, applied: countEdits(doc) };
}
