/**
 * The "actual retrained effect" fill-in: after the estimates, retrain without each of the top groups
 * and report each value as it arrives (`groupRetrained` notifications).
 */
import type { GroupResult, GroupSpec, RetrainedGroup } from '../protocol';
import type { RequestOptions, WorkerClient } from './workerClient';

let retrains = 0;

export function retrainSpecs(groups: readonly GroupResult[], n: number): GroupSpec[] {
  return groups.slice(0, n).map((g) => ({ name: g.name, kind: g.kind, members: g.members }));
}

export async function retrainGroups(worker: WorkerClient, testIndex: number, specs: GroupSpec[], opts: RequestOptions,
  onRetrained: (name: string, retrain: number, words: Omit<RetrainedGroup, 'retrain'>) => void): Promise<void> {
  const streamId = `retrain-${testIndex}-${Date.now()}-${++retrains}`;
  const sub = worker.on('influence/groupRetrained', (p) => { if (p.streamId === streamId) onRetrained(p.name, p.retrain, { after: p.after, sentence: p.sentence }); });
  try {
    await worker.request('influence/retrainGroups', { testIndex, groups: specs, streamId }, opts);
  } finally {
    sub.dispose();
  }
}
