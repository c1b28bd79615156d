/**
 * The worker's side of triage and edits: the queue of suspect training rows (engine triage/queue.ts),
 * changes to the session's influence.edits.json (answered as the file's new text: the extension writes
 * it, the worker never writes a file), the before/after of the edits (a second fit on the unedited
 * data, whose test metrics are kept while the data and settings stay the same) and the cleaned copy's
 * text for Export.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../engine/data/dataset';
import {
  addEdit, countEdits, effectiveEdits, emptyEdits, parseEdits, redoEdit, revertLine, serializeEdits, undoEdit, type Edit, type EditsDocument,
} from '../engine/edits';
import { exportEdited } from '../engine/editsExport';
import { UnavailableError } from '../engine/analyzer/capabilities';
import type { AnalyzerSettings, SourceSpec } from '../engine/analyzer/index';
import type { Fitted, SetMetrics, TestSetScope } from '../engine/influence/testSet';
import { canRetrain, parseTestSetScope, resolveTestSet, scopeName, setMetrics } from '../engine/influence/testSet';
import { triage } from '../engine/triage/queue';
import { describeEditsEffect } from '../engine/triage/editsEffect';
import type { Work } from '../engine/types';
import type {
  EditChangeView, EditParams, EditResponse, EditsEffectParams, EditsEffectResponse, EditsFileParams, EditsStateView,
  ExportCleanedResponse, TriageParams, TriageView,
} from '../protocol';
import type { EngineSession, OpenSession } from './engine';

/** The edits sent with `open`, parsed (an empty file counts as no edits); errors name the file. */
export function parseEditsParam(p: EditsFileParams | undefined): EditsDocument | undefined {
  if (!p || p.text.trim() === '') return undefined;
  return { ...parseEdits(p.text, p.file), path: p.file };
}

/** What retraining-based triage needs from a session, or why it cannot have it. */
export function fittedOf(s: EngineSession, what: string): Fitted {
  const d = s.source.differentiable;
  const reason = s.why('retraining') ?? (d ? undefined : `the ${s.source.kind} source has no model the engine can refit`);
  if (reason || !d) throw new UnavailableError('retraining', `${what}: ${reason}`);
  const f: Fitted = { train: s.train, test: s.test, model: d.model, ctx: d.ctx };
  if (!canRetrain(f)) throw new UnavailableError('retraining', `${what}: this model is explained at its loaded weights; the engine can refit only linear models (softmax or logistic regression)`);
  return f;
}

export function editsState(doc: EditsDocument | undefined): EditsStateView {
  const d = doc ?? emptyEdits();
  const changes: EditChangeView[] = [...effectiveEdits(d).values()].sort((a, b) => a.line - b.line).map((e) => e.action === 'relabel'
    ? { line: e.line, action: 'relabel', from: e.from, to: e.to, ...(e.reason ? { reason: e.reason } : {}) }
    : { line: e.line, action: 'exclude', from: e.label, ...(e.reason ? { reason: e.reason } : {}) });
  return { ...countEdits(d), changes, canUndo: d.edits.length > 0, canRedo: (d.undone?.length ?? 0) > 0 };
}

interface Opened { spec: SourceSpec; settings: Partial<AnalyzerSettings> }

export class TriageService {
  private opened: Opened | null = null;
  private cache: { key: string; view: TriageView } | null = null;
  /** Test-set metrics under the fit on the unedited data, by data/settings and test set. */
  private readonly before = new Map<string, { rows: Int32Array; metrics: SetMetrics }>();

  constructor(private readonly need: () => EngineSession, private readonly open: () => OpenSession) {}

  /** A new session was opened (new data, settings or edits): the queue is recomputed on request. */
  sessionOpened(spec: SourceSpec, settings: Partial<AnalyzerSettings>): void {
    this.opened = { spec, settings };
    this.cache = null;
  }

  private baseKey(): string {
    const { edits: _e, ...spec } = this.opened?.spec ?? ({} as SourceSpec);
    return JSON.stringify([spec, this.opened?.settings]);
  }

  private get doc(): EditsDocument | undefined { return this.opened?.spec.edits; }

  triage(p: TriageParams, work: Work): TriageView {
    const s = this.need();
    const key = JSON.stringify([p.testSet, p.folds, p.seed, p.flagFraction, p.top]);
    if (this.cache?.key === key) return this.cache.view;
    const f = fittedOf(s, 'the triage queue (its confident-learning signal refits the model per fold)');
    const t0 = performance.now();
    const r = triage(f, { testSet: parseTestSetScope(p.testSet ?? 'all'), folds: p.folds, seed: p.seed, flagFraction: p.flagFraction, top: p.top, solver: s.settings.solver, ...work });
    const view: TriageView = {
      testSet: r.testSet, testSetSize: r.testSetSize, n: r.n, folds: r.folds, flagFraction: r.flagFraction, flagged: r.flagged,
      rows: r.rows.map((row) => ({ ...row, flaggedBy: [...row.flaggedBy] })), ms: Math.round(performance.now() - t0),
    };
    this.cache = { key, view };
    return view;
  }

  /** The label row `line` has in the file (before any edit), checked against the session's data. */
  private fileLabel(line: number): string {
    const s = this.need();
    const e = this.doc ? effectiveEdits(this.doc).get(line) : undefined;
    if (e?.action === 'exclude') throw new InputError(`line ${line} is excluded; undo or revert that edit first`, this.doc?.path);
    if (e?.action === 'relabel') return e.from;
    const i = s.train.lines.indexOf(line);
    if (i < 0) throw new InputError(`no training row starts on line ${line}`, s.train.file);
    return s.train.classes[s.train.y[i]];
  }

  edit(p: EditParams): EditResponse {
    const s = this.need();
    let doc = this.doc ?? emptyEdits(p.train);
    const stamp = { ...(p.at ? { at: p.at } : {}) };
    switch (p.op) {
      case 'relabel': {
        if (!s.train.classes.includes(p.to)) throw new InputError(`'${p.to}' is not a class of ${s.train.file} (classes: ${s.train.classes.join(', ')})`);
        const from = this.fileLabel(p.line);
        const edit: Edit = { action: 'relabel', line: p.line, from, to: p.to, ...(p.reason ? { reason: p.reason } : {}), ...stamp };
        // Relabelling back to the file's own label is taking the edit back.
        doc = from === p.to ? revertLine(doc, p.line) : addEdit(doc, edit);
        break;
      }
      case 'exclude':
        doc = addEdit(doc, { action: 'exclude', line: p.line, label: this.fileLabel(p.line), ...(p.reason ? { reason: p.reason } : {}), ...stamp });
        break;
      case 'revert': doc = revertLine(doc, p.line); break;
      case 'undo': doc = undoEdit(doc); break;
      case 'redo': doc = redoEdit(doc); break;
    }
    return { text: serializeEdits(doc), state: editsState(doc) };
  }

  async editsEffect(p: EditsEffectParams, work: Work): Promise<EditsEffectResponse> {
    const s = this.need();
    const state = editsState(this.doc);
    if (!state.changes.length || !this.opened) return { state, effect: null };
    let edited: Fitted;
    try { edited = fittedOf(s, 'before/after of the edits'); } catch (e) {
      if (e instanceof UnavailableError) return { state, effect: null, unavailable: e.message };
      throw e;
    }
    const scope = parseTestSetScope(p.testSet ?? 'all');
    const before = await this.beforeEdits(scope, work);
    // The set is chosen under the original model (e.g. the rows it misclassified) and scored under both fits.
    const after = setMetrics(edited, before.rows, edited.ctx.theta);
    const counts = { relabelled: state.relabelled, excluded: state.excluded };
    return {
      state,
      effect: {
        testSet: scopeName(scope), size: before.rows.length, ...counts, before: { ...before.metrics }, after: { ...after },
        sentence: describeEditsEffect(counts, before.rows.length, before.metrics, after),
      },
    };
  }

  /**
   * The test set's loss and accuracy under a fit on the unedited data: one extra fit, kept as two numbers
   * (not as a second session: its Hessian could be as large as the session's own).
   */
  private async beforeEdits(scope: TestSetScope, work: Work): Promise<{ rows: Int32Array; metrics: SetMetrics }> {
    const key = JSON.stringify([this.baseKey(), scope]);
    const hit = this.before.get(key);
    if (hit) return hit;
    const { edits: _e, ...spec } = this.opened!.spec;
    const base = await this.open()(spec, this.opened!.settings, work);
    try {
      const f = fittedOf(base, 'before/after of the edits');
      const rows = resolveTestSet(f, scope);
      const entry = { rows, metrics: setMetrics(f, rows, f.ctx.theta) };
      if (this.before.size >= 8) this.before.clear();
      this.before.set(key, entry);
      return entry;
    } finally {
      base.dispose();
    }
  }

  exportCleaned(): ExportCleanedResponse {
    const s = this.need();
    const file = this.opened?.spec.trainFile ?? s.train.file;
    const ext = path.extname(file).toLowerCase();
    const format = ext === '.csv' ? 'csv' : ext === '.jsonl' ? 'jsonl' : null;
    if (!format) {
      const what = ext === '.parquet' ? 'a Parquet file' : 'not a CSV or JSONL file (an image folder?)';
      throw new InputError(`Export Cleaned Copy writes CSV and JSONL training files only, and this one is ${what}. The edits stay in influence.edits.json, which every fit honours.`, file);
    }
    const doc = this.doc ?? emptyEdits();
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new InputError(`cannot read the training file (${(e as Error).message})`, file); }
    const copy = exportEdited(text, format, doc, { file, labelColumn: this.opened?.spec.labelColumn });
    return { text: copy.text, format, changes: editsState(doc).changes };
  }
}
