/**
 * Request handlers of the worker, independent of the transport (main.ts wires them to JSON-RPC).
 * Holds the one warm Analyzer: the fitted model and factorised Hessian stay in memory
 * between requests and are rebuilt only when `open` names other files or settings.
 */
import { rowOf } from '../engine/data/dataset';
import { CancelledError, type Work } from '../engine/types';
import type { GroupResult, GroupSpec, SelfInfluenceResult } from '../engine/results';
import type {
  ExplainParams, ExplainResponse, FeaturesParams, GroupsParams, GroupsResponse, OpenParams, OpenResult, ParamsOf,
  ResultOf, RetrainGroupsParams, RetrainGroupsResponse, SelectParams, SelfInfluenceParams, SweepParams,
  WorkerMethod, WorkerNotifications, WorkerStatus,
} from '../protocol';
import { engineOpen, type EngineSession, type OpenSession } from './engine';
import { mostHarmfulFirst } from '../engine/influence/ranking';

/** What a handler can ask about its request: cancellation (polled by the engine). */
export interface RequestToken { readonly isCancellationRequested: boolean }

export type Notify = <N extends keyof WorkerNotifications>(method: N, params: WorkerNotifications[N]) => void;

/** The user-facing error for a request that needs a session before `open`. */
export class NoSessionError extends Error {
  constructor() { super('no data loaded: open a workspace with influence.config.json first'); this.name = 'NoSessionError'; }
}

const PROGRESS_EVERY_MS = 100;

export class WorkerService {
  private session: EngineSession | null = null;
  private openKey = '';
  private opening: Promise<OpenResult> | null = null;
  private selfCache: SelfInfluenceResult | null = null;
  private candidateCache = new Map<string, GroupSpec[]>();
  backend = 'unknown';

  constructor(private readonly notify: Notify, private readonly open: () => OpenSession = engineOpen) {}

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

  async handle<M extends WorkerMethod>(method: M, params: ParamsOf<M>, token?: RequestToken): Promise<ResultOf<M>> {
    const p = (params ?? {}) as ParamsOf<M> & { progressToken?: string };
    const work = this.work(token, p.progressToken);
    type R = ResultOf<M>;
    switch (method) {
      case 'influence/status': return this.status() as R;
      case 'influence/open': return (await this.openSession(p as OpenParams, work)) as R;
      case 'influence/explain': return this.explain(p as ExplainParams, work) as R;
      case 'influence/groups': return this.groups(p as GroupsParams, work) as R;
      case 'influence/retrainGroups': return this.retrainGroups(p as RetrainGroupsParams, work) as R;
      case 'influence/select': return (await this.select(p as SelectParams, work)) as R;
      case 'influence/sweep': return (await this.sweep(p as SweepParams, work)) as R;
      case 'influence/selfInfluence': return this.selfInfluence(p as SelfInfluenceParams, work) as R;
      case 'influence/features': return this.features(p as FeaturesParams) as R;
      case 'influence/spin': return this.spin((p as { ms: number }).ms, work) as R;
      default: throw new Error(`unknown method ${String(method)}`);
    }
  }

  status(): WorkerStatus {
    return { open: !!this.session, backend: this.backend, pid: process.pid, memoryMB: Math.round(process.memoryUsage().rss / 2 ** 20) };
  }

  private need(): EngineSession {
    if (!this.session) throw new NoSessionError();
    return this.session;
  }

  async openSession(p: OpenParams, work: Work): Promise<OpenResult> {
    const key = JSON.stringify([p.trainFile, p.testFile, p.labelColumn, p.l2, p.modelType, p.modelPath]);
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
        model: { type: p.modelType ?? 'linear', path: p.modelPath },
      };
      this.opening = open(spec, { l2: p.l2 }, work).then((s) => {
        this.session = s;
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
      backend: this.backend, fit: s.fit, classes: [...s.train.classes], nTrain: s.train.n, nTest: s.test.n, d: s.train.d,
      trainFile: s.train.file, testFile: s.test.file, trainLines: Array.from(s.train.lines), testLines: Array.from(s.test.lines),
      trainY: Array.from(s.train.y), timings,
    };
  }

  explain(p: ExplainParams, work: Work): ExplainResponse {
    const s = this.need();
    const result = s.explain(p.testIndex, { top: p.top }, work);
    if (!p.withFeatures) return { result };
    const rowFeatures: Record<number, number[]> = {};
    for (const r of [...result.harmful, ...result.helpful]) rowFeatures[r.index] = Array.from(rowOf(s.train, r.index));
    return { result, sampleFeatures: Array.from(rowOf(s.test, p.testIndex)), rowFeatures };
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
    if (p.streamId) {
      // One group at a time, each announced as soon as it is estimated (estimates can take seconds per group).
      // Most harmful by first order first (a free sum of row scores), so the groups that matter arrive early.
      if (p.testIndex !== null) {
        const { scores } = s.rowScores(p.testIndex, work);
        const first = (g: GroupSpec) => g.members.reduce((acc, i) => acc + scores[i], 0);
        specs = [...specs].sort((a, b) => first(a) - first(b));
      }
      results = [];
      specs.forEach((spec, i) => {
        work.checkCancelled?.();
        work.progress?.(i / specs.length, `group ${i + 1}/${specs.length}: ${spec.name}`);
        // The panel shows first order, second order and retraining: skip the Newton step's extra solve.
        const [r] = s.groups(p.testIndex, [spec], { retrain: !!p.retrain, newton: false }, { checkCancelled: work.checkCancelled });
        results.push(r);
        this.notify('influence/groupEstimated', { streamId: p.streamId!, index: i, total: specs.length, group: r });
      });
      work.progress?.(1, 'groups done');
    } else {
      results = s.groups(p.testIndex, specs, { retrain: !!p.retrain }, work);
    }
    // Most harmful first: removal lowers the test loss most (most negative removal effect).
    results.sort(mostHarmfulFirst);
    return { testIndex: p.testIndex, groups: p.limit ? results.slice(0, p.limit) : results };
  }

  retrainGroups(p: RetrainGroupsParams, work: Work): RetrainGroupsResponse {
    const s = this.need();
    const out: Array<{ name: string; retrain: number }> = [];
    p.groups.forEach((g, i) => {
      work.checkCancelled?.();
      work.progress?.(i / p.groups.length, `retraining without ${g.name}`);
      // Only the refit: the estimates for these groups are already on screen.
      const retrain = s.retrainEffect(p.testIndex, g.members, { checkCancelled: work.checkCancelled });
      out.push({ name: g.name, retrain });
      this.notify('influence/groupRetrained', { streamId: p.streamId, name: g.name, retrain });
    });
    work.progress?.(1, 'retraining done');
    return { groups: out };
  }

  async select(p: SelectParams, work: Work) {
    const s = this.need();
    return s.select(p.testIndex, p.k, p.direction, p.method ?? 'greedy', { retrain: !!p.retrain }, work);
  }

  async sweep(p: SweepParams, work: Work) {
    const s = this.need();
    const { progressToken: _ignored, ...opts } = p;
    return s.sweep(opts, work);
  }

  selfInfluence(p: SelfInfluenceParams, work: Work): SelfInfluenceResult {
    const s = this.need();
    if (!this.selfCache || (p.top !== undefined && this.selfCache.top.length < p.top)) this.selfCache = s.selfInfluence(p.top ?? 20, work);
    return this.selfCache;
  }

  features(p: FeaturesParams): number[][] {
    const s = this.need();
    const data = p.set === 'train' ? s.train : s.test;
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
