/**
 * Request handlers of the worker, independent of the transport (main.ts wires them to JSON-RPC).
 * Holds the one warm Analyzer: the fitted model and factorised Hessian stay in memory between
 * requests and are rebuilt only when `open` names other files or settings. Engine results leave
 * through src/worker/views.ts as the protocol's view models.
 */
import { kernelInfo } from '../engine/kernels/wasm';
import { InputError, rowOf } from '../engine/data/dataset';
import { CancelledError, type Work } from '../engine/types';
import type { GroupSpec } from '../engine/results';
import { SAMPLER_NAMES, type SamplerName } from '../engine/samplers/index';
import { mostHarmfulFirst } from '../engine/influence/ranking';
import {
  EditRows, EditsEffect, Explain, ExportCleaned, Features, Groups, Open, RetrainGroups, RowSource, Select, SelfInfluence, Spin, Status, Sweep,
  TestSet, Triage, Verify,
  type ExplainParams, type ExplainResponse, type FeaturesParams, type GroupResult, type GroupsParams, type GroupsResponse,
  type OpenParams, type OpenResult, type ParamsOf, type RequestHandlers, type ResultOf, type RetrainGroupsParams,
  type RetrainGroupsResponse, type SelectParams, type SelectResult, type SelfInfluenceParams, type SelfInfluenceResult,
  type SweepParams, type SweepResult, type WorkerMethod, type WorkerNotifications, type WorkerStatus,
} from '../protocol';
import { engineOpen, type EngineSession, type OpenSession } from './engine';
import { TriageService, parseEditsParam } from './triage';
import { rowSource } from './rowSource';
import { thumbnailsOf } from './thumbnails';
import { capabilitiesView, explainView, fitView, groupView, selectView, selfInfluenceView, settingsView, sweepView } from './views';
import { TrustHandlers } from './trust';
import { baselineOf, explainSentences, groupSentence, retrainedGroup } from './sentences';

/** What a handler can ask about its request: cancellation (polled by the engine). */
export interface RequestToken { readonly isCancellationRequested: boolean }

export type Notify = <N extends keyof WorkerNotifications>(method: N, params: WorkerNotifications[N]) => void;

/** The user-facing error for a request that needs a session before `open`. */
export class NoSessionError extends Error {
  constructor() { super('no data loaded: open a workspace with influence.config.json first'); this.name = 'NoSessionError'; }
}

const PROGRESS_EVERY_MS = 100;

function progressTokenOf(params: unknown): string | undefined {
  return typeof params === 'object' && params !== null && 'progressToken' in params && typeof params.progressToken === 'string' ? params.progressToken : undefined;
}

export class WorkerService {
  private session: EngineSession | null = null;
  private openKey = '';
  private opening: Promise<OpenResult> | null = null;
  private selfCache: SelfInfluenceResult | null = null;
  private candidateCache = new Map<string, GroupSpec[]>();
  private readonly triageService: TriageService;
  private readonly trust = new TrustHandlers();
  backend = 'unknown';

  /** Every request's handler, keyed by its protocol constant (the compiler checks none is missing). */
  readonly handlers: RequestHandlers<Work> = {
    [Status.method]: (p) => this.status(p.gc === true),
    [Open.method]: (p, work) => this.openSession(p, work),
    [Explain.method]: (p, work) => this.explain(p, work),
    [Groups.method]: (p, work) => this.groups(p, work),
    [RetrainGroups.method]: (p, work) => this.retrainGroups(p, work),
    [Select.method]: (p, work) => this.select(p, work),
    [Sweep.method]: (p, work) => this.sweep(p, work),
    [SelfInfluence.method]: (p, work) => this.selfInfluence(p, work),
    [Features.method]: (p) => this.features(p),
    [Spin.method]: (p, work) => this.spin(p.ms, work),
    [RowSource.method]: (p) => { const s = this.need(); return rowSource(p.set === 'train' ? s.train : s.test, p); },
    [Verify.method]: (p, work) => this.trust.verify(this.need(), p, work),
    [TestSet.method]: (p, work) => this.trust.testSet(this.need(), p, work),
    [Triage.method]: (p, work) => this.triageService.triage(p, work),
    [EditRows.method]: (p) => this.triageService.edit(p),
    [EditsEffect.method]: (p, work) => this.triageService.editsEffect(p, work),
    [ExportCleaned.method]: () => this.triageService.exportCleaned(),
  };

  constructor(private readonly notify: Notify, private readonly open: () => OpenSession = engineOpen) {
    this.triageService = new TriageService(() => this.need(), open);
  }

  work(token: RequestToken | undefined, progressToken: string | undefined): Work {
    let last = 0;
    return {
      progress: (fraction, message) => {
        if (!progressToken) return;
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS && fraction < 1) return;
        last = now;
        this.notify('influence/progress', { token: progressToken, fraction: Math.max(0, Math.min(1, fraction)), message });
      },
      checkCancelled: () => { if (token?.isCancellationRequested) throw new CancelledError(); },
    };
  }

  /** Runs the handler of `method` with progress and cancellation for this request. */
  async handle<M extends WorkerMethod>(method: M, params: ParamsOf<M>, token?: RequestToken): Promise<ResultOf<M>> {
    const handler: RequestHandlers<Work>[M] | undefined = this.handlers[method];
    if (!handler) throw new Error(`unknown method ${String(method)}`);
    return handler(params, this.work(token, progressTokenOf(params)));
  }

  status(collect = false): WorkerStatus {
    const gc: unknown = Reflect.get(globalThis, 'gc');
    if (collect && typeof gc === 'function') gc();
    const mem = process.memoryUsage();
    return { open: !!this.session, backend: this.backend, pid: process.pid, memoryMB: Math.round(mem.rss / 2 ** 20), heapUsedMB: Math.round(mem.heapUsed / 2 ** 16) / 16 };
  }

  private need(): EngineSession {
    if (!this.session) throw new NoSessionError();
    return this.session;
  }

  async openSession(p: OpenParams, work: Work): Promise<OpenResult> {
    const key = JSON.stringify([p.trainFile, p.testFile, p.labelColumn, p.l2, p.modelType, p.modelPath, p.keepHead, p.scores, p.images, p.featureColumns, p.ignoreColumns, p.edits?.text]);
    if (this.opening && key === this.openKey) return this.opening;
    if (!(this.session && key === this.openKey)) {
      const open = this.open();
      const t0 = performance.now();
      this.openKey = key;
      this.session?.dispose(); // a TensorFlow.js model holds tensors
      this.session = null;
      this.selfCache = null;
      this.candidateCache.clear();
      const spec = {
        trainFile: p.trainFile, testFile: p.testFile, labelColumn: p.labelColumn,
        model: { type: p.modelType ?? 'linear', path: p.modelPath, keepHead: p.keepHead, ...p.scores },
        images: p.images, featureColumns: p.featureColumns, ignoreColumns: p.ignoreColumns,
        edits: parseEditsParam(p.edits),
      };
      this.opening = open(spec, { l2: p.l2 }, work).then((s) => {
        this.session = s;
        this.triageService.sessionOpened(spec, { l2: p.l2 });
        return this.describe(s, { open: performance.now() - t0 });
      });
      try {
        return await this.opening;
      } catch (e) {
        this.openKey = '';
        throw e;
      } finally {
        this.opening = null;
      }
    }
    return this.describe(this.session, {});
  }

  private describe(s: EngineSession, timings: Record<string, number>): OpenResult {
    return {
      backend: this.backend, fit: fitView(s.fit), classes: [...s.train.classes], nTrain: s.train.n, nTest: s.test.n, d: s.train.d,
      trainFile: s.train.file, testFile: s.test.file, trainLines: Array.from(s.train.lines), testLines: Array.from(s.test.lines),
      trainY: Array.from(s.train.y), timings, source: s.source.kind, capabilities: capabilitiesView(s), settings: settingsView(s.settings),
      kernels: kernelInfo(),
    };
  }

  explain(p: ExplainParams, work: Work): ExplainResponse {
    const s = this.need();
    const result = explainSentences(explainView(s.explain(p.testIndex, { top: p.top }, work)), s.train.n);
    const shown = [...result.harmful, ...result.helpful].map((r) => r.index);
    const rowThumbnails = thumbnailsOf(s.train, shown);
    const pictures = rowThumbnails ? { rowThumbnails, sampleThumbnail: thumbnailsOf(s.test, [p.testIndex])?.[p.testIndex] } : {};
    if (!p.withFeatures) return { result, ...pictures };
    const rowFeatures: Record<number, number[]> = {};
    // Rows as the user gave them (an ONNX source explains derived features).
    const train = s.train.inputs ?? s.train, test = s.test.inputs ?? s.test;
    for (const r of [...result.harmful, ...result.helpful]) rowFeatures[r.index] = Array.from(rowOf(train, r.index));
    return { result, sampleFeatures: Array.from(rowOf(test, p.testIndex)), rowFeatures, ...pictures };
  }

  private candidates(s: EngineSession, testIndex: number | null, work: Work): GroupSpec[] {
    const key = String(testIndex);
    const hit = this.candidateCache.get(key);
    if (hit) return hit;
    const specs = s.candidateGroups(testIndex, {}, work);
    if (this.candidateCache.size > 16) this.candidateCache.clear();
    this.candidateCache.set(key, specs);
    return specs;
  }

  groups(p: GroupsParams, work: Work): GroupsResponse {
    const s = this.need();
    let specs = p.groups ?? this.candidates(s, p.testIndex, work);
    let results: GroupResult[];
    const base = baselineOf(s, p.testIndex);
    if (p.streamId) {
      // One group at a time, each announced as soon as it is estimated (estimates can take seconds per group).
      // Most harmful by first order first (a free sum of row scores), so the groups that matter arrive early.
      if (p.testIndex !== null) {
        const { scores } = s.rowScores(p.testIndex, work);
        const first = (g: GroupSpec) => g.members.reduce((acc, i) => acc + scores[i], 0);
        specs = [...specs].sort((a, b) => first(a) - first(b));
      }
      // A resumed stream carries what the stopped one estimated; only the rest is estimated now.
      const known = new Map((p.known ?? []).map((g) => [g.name, g]));
      results = specs.flatMap((spec) => known.get(spec.name) ?? []);
      const todo = specs.filter((spec) => !known.has(spec.name));
      todo.forEach((spec) => {
        work.checkCancelled?.();
        const i = results.length;
        work.progress?.(i / specs.length, `group ${i + 1}/${specs.length}: ${spec.name}`);
        // The panel shows first order, second order and retraining: skip the Newton step's extra solve.
        const [r] = s.groups(p.testIndex, [spec], { retrain: !!p.retrain, newton: false }, { checkCancelled: work.checkCancelled }).map((g) => groupSentence(groupView(g), base));
        results.push(r);
        this.notify('influence/groupEstimated', { streamId: p.streamId!, index: i, total: specs.length, group: r });
      });
      work.progress?.(1, 'groups done');
    } else {
      results = s.groups(p.testIndex, specs, { retrain: !!p.retrain }, work).map((g) => groupSentence(groupView(g), base));
    }
    // Most harmful first: removal lowers the test loss most (most negative removal effect).
    results.sort(mostHarmfulFirst);
    return { testIndex: p.testIndex, groups: p.limit ? results.slice(0, p.limit) : results };
  }

  retrainGroups(p: RetrainGroupsParams, work: Work): RetrainGroupsResponse {
    const s = this.need();
    const out: Array<{ name: string; retrain: number }> = [];
    const base = baselineOf(s, p.testIndex);
    p.groups.forEach((g, i) => {
      work.checkCancelled?.();
      work.progress?.(i / p.groups.length, `retraining without ${g.name}`);
      // Only the refit: the estimates for these groups are already on screen.
      // With the sample's prediction after removal and a sentence; sources without a model say why they cannot.
      const r = base ? retrainedGroup(s, p.testIndex, g.members, base, work) : { retrain: s.retrainEffect(p.testIndex, g.members, { checkCancelled: work.checkCancelled }) };
      out.push({ name: g.name, retrain: r.retrain });
      this.notify('influence/groupRetrained', { streamId: p.streamId, name: g.name, ...r });
    });
    work.progress?.(1, 'retraining done');
    return { groups: out };
  }

  select(p: SelectParams, work: Work): SelectResult {
    const s = this.need();
    return selectView(s.select(p.testIndex, p.k, p.direction, p.method ?? 'greedy', { retrain: !!p.retrain }, work));
  }

  sweep(p: SweepParams, work: Work): SweepResult {
    const s = this.need();
    return sweepView(s.sweep({ sampler: samplerName(p.sampler), m: p.m, seeds: p.seeds, retrain: p.retrain }, work));
  }

  selfInfluence(p: SelfInfluenceParams, work: Work): SelfInfluenceResult {
    const s = this.need();
    if (!this.selfCache || (p.top !== undefined && this.selfCache.top.length < p.top)) this.selfCache = selfInfluenceView(s.selfInfluence(p.top, work));
    return this.selfCache;
  }

  features(p: FeaturesParams): number[][] {
    const s = this.need();
    const data = (p.set === 'train' ? s.train : s.test).inputs ?? (p.set === 'train' ? s.train : s.test);
    return p.indices.slice(0, 1000).map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= data.n) throw new Error(`row ${i} out of range (0..${data.n - 1})`);
      return Array.from(rowOf(data, i));
    });
  }

  /** CPU-bound loop that polls cancellation like the engine does (used by tests and diagnostics). */
  spin(ms: number, work: Work): { iterations: number } {
    const end = Date.now() + Math.max(0, Math.min(ms, 600_000));
    let iterations = 0, x = 0;
    while (Date.now() < end) {
      for (let j = 0; j < 10_000; j++) x += Math.sqrt(j + iterations);
      iterations++;
      work.checkCancelled?.();
      if (iterations % 50 === 0) work.progress?.(1 - (end - Date.now()) / Math.max(1, ms), `spinning ${iterations}`);
    }
    return { iterations: iterations + (x < 0 ? 1 : 0) };
  }
}

/** A sampler name from the wire, checked against the registry. */
function samplerName(name: string | undefined): SamplerName | undefined {
  if (name === undefined) return undefined;
  const known = SAMPLER_NAMES.find((s) => s === name);
  if (!known) throw new InputError(`unknown sampler '${name}' (expected one of ${SAMPLER_NAMES.join(', ')})`);
  return known;
}
