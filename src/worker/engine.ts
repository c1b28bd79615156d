/**
 * The worker's view of the engine façade (src/engine/session.ts). The methods that land later in the
 * engine (sweep, select, candidateGroups) are optional here; the worker answers with a clear error,
 * or falls back to its own candidate groups (./candidates.ts), while they are missing.
 */
import * as sessionModule from '../engine/session';
import type { SessionOptions } from '../engine/session';
import type { Dataset } from '../engine/data/dataset';
import type { Work } from '../engine/types';
import type {
  Direction, ExplainResult, FitReport, GroupResult, GroupSpec, SelectMethod, SelectResult, SelfInfluenceResult, SweepResult,
} from '../engine/results';

export interface EngineSession {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly fit: FitReport;
  explain(testIndex: number, opts?: { top?: number }, work?: Work): ExplainResult;
  groups(testIndex: number | null, groups: GroupSpec[], opts?: { retrain?: boolean }, work?: Work): GroupResult[];
  selfInfluence(top?: number, work?: Work): SelfInfluenceResult;
  sweep?(opts: Record<string, unknown>, work?: Work): SweepResult | Promise<SweepResult>;
  select?(testIndex: number, k: number, direction: Direction, method: SelectMethod,
    opts?: { retrain?: boolean }, work?: Work): SelectResult | Promise<SelectResult>;
  candidateGroups?(testIndex: number | null, opts?: { clusters?: number; neighbourhood?: number; outliers?: number }, work?: Work): GroupSpec[];
}

export type OpenSession = (opts: SessionOptions & Record<string, unknown>, work?: Work) => Promise<EngineSession>;

/** The engine's `InfluenceSession.open`, or null while the engine has not landed it. */
export function engineOpen(): OpenSession | null {
  const cls = (sessionModule as unknown as { InfluenceSession?: { open?: OpenSession } }).InfluenceSession;
  return cls && typeof cls.open === 'function' ? cls.open.bind(cls) : null;
}
