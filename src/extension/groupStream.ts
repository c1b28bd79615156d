/**
 * Candidate groups estimated by the worker one at a time (`influence/groups` with a stream id):
 * each `groupEstimated` notification updates a ranking the callers show while the rest are estimated.
 * Used for one explained sample (panel + sidebar) and for the whole test set (sidebar).
 */
import type { GroupResult } from '../protocol';
import type { RequestOptions, WorkerClient } from './workerClient';

/** The worker ranks by the engine's one rule (engine/influence/ranking.ts) and sends it as `effect`. */
export const groupEffect = (g: GroupResult): number => g.effect;

export function rankGroups(groups: readonly GroupResult[], limit: number): GroupResult[] {
  return [...groups].sort((a, b) => groupEffect(a) - groupEffect(b)).slice(0, limit);
}

export type OnPartialGroups = (ranked: GroupResult[], done: number, total: number) => void;

let streams = 0;

export class GroupStream {
  private readonly estimated: GroupResult[];

  /** `known`: what a stopped stream for the same sample and session estimated (sent along, not redone). */
  constructor(private readonly worker: WorkerClient, readonly testIndex: number | null, readonly limit: number,
    private readonly known: readonly GroupResult[] = []) {
    this.estimated = [...known];
  }

  /** The best `limit` groups estimated so far (what to show when the stream stops early). */
  get partial(): GroupResult[] { return rankGroups(this.estimated, this.limit); }

  /** Every group estimated so far, this stream's and the known ones. */
  get all(): readonly GroupResult[] { return this.estimated; }

  /** Runs to the end; resolves with the worker's final ranking. */
  async run(opts: RequestOptions, onPartial: OnPartialGroups): Promise<GroupResult[]> {
    const streamId = `groups-${this.testIndex ?? 'all'}-${Date.now()}-${++streams}`;
    const sub = this.worker.on('influence/groupEstimated', (p) => {
      if (p.streamId !== streamId) return;
      this.estimated.push(p.group);
      onPartial(this.partial, p.index + 1, p.total);
    });
    try {
      const known = this.known.length ? { known: [...this.known] } : {};
      const res = await this.worker.request('influence/groups', { testIndex: this.testIndex, limit: this.limit, streamId, ...known }, opts);
      return res.groups;
    } finally {
      sub.dispose();
    }
  }
}
