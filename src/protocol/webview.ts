/**
 * extension ⇄ webview: `postMessage` with the typed unions `ToWebview` / `FromWebview`, and the view
 * models the panels render. Messages from the webview are untrusted and checked by `parseFromWebview`.
 */
import type { Direction, ExplainResult, GroupResult, SelectResult, SweepResult, CapabilityView } from './results';
import type { OpenParams } from './worker';
import type { SampleStateView, VerifyView } from './trust';

/** The settings a session was opened with; sent with every view, so a result always says what produced it. */
export type SessionSettings = Omit<OpenParams, 'progressToken'>;

/** A training row named in a group: its label and 1-based line in the training file. */
export interface MemberRow { label: string; line: number }

export type PanelKind = 'explain' | 'sweep';

/** Everything the Explain panel shows; pushed whole (and then patched by the messages below). */
export interface ExplainView {
  testFileName: string;
  trainFileName: string;
  /** [h, w] or [h, w, c] when rows are drawn as pictures. */
  imageShape?: number[];
  explain: ExplainResult;
  sampleFeatures?: number[];
  rowFeatures?: Record<number, number[]>;
  /** Image folders: thumbnails (PNG data URIs) of the sample's and the rows' image files. */
  sampleThumbnail?: string;
  rowThumbnails?: Record<number, string>;
  /** The session settings that produced this explanation. */
  settings?: SessionSettings;
  /** What this source cannot do (imported scores: no second order, Newton step, retraining…), with the reason. */
  unavailable?: CapabilityView[];
}

export interface SweepView {
  sweep: SweepResult;
  settings?: SessionSettings;
}

/** extension → webview */
export type ToWebview =
  | { type: 'explain'; view: ExplainView }
  | {
    type: 'groups'; testIndex: number; groups: GroupResult[];
    /** Still estimating: `done` of `total` candidates so far. */
    partial?: { done: number; total: number };
    /** Groups whose actual retrained effect is being computed (arrives as `groupRetrained`). */
    pendingRetrain?: string[];
    /** Label and file line of the first members of each group (the panel lists them as links). */
    memberRows?: Record<number, MemberRow>;
  }
  | { type: 'groupRetrained'; testIndex: number; name: string; retrain: number; after?: SampleStateView; sentence?: string }
  | { type: 'optimizerResult'; testIndex: number; result: SelectResult }
  | { type: 'optimizerVerified'; testIndex: number; retrain: number }
  | { type: 'sweep'; view: SweepView }
  | { type: 'busy'; what: string | null }
  | { type: 'error'; message: string }
  | { type: 'verifyProgress'; testIndex: number; fraction: number; message: string }
  | { type: 'verifyResult'; testIndex: number; result: VerifyView }
  | { type: 'verifyFailed'; testIndex: number; message: string; cancelled: boolean };

/** webview → extension */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'jump'; set: 'train' | 'test'; index: number }
  | { type: 'runOptimizer'; testIndex: number; k: number; direction: Direction }
  | { type: 'verifyOptimizer'; testIndex: number; members: number[] }
  | { type: 'cspViolation'; directive: string; blocked: string }
  | { type: 'verify'; testIndex: number; subsets: number; alpha: number }
  | { type: 'cancelVerify' };

const MAX_K = 10_000;
/** Verify: LDS subsets M from 3 (a Spearman over fewer says nothing) to 1000 retrains. */
export const VERIFY_SUBSETS = { min: 3, max: 1000, default: 50 } as const;

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e9;
}

/**
 * Runtime check of a message from the webview (it is untrusted input: the webview may be
 * compromised by the data it renders). Returns the typed message, or null when it does not match.
 */
export function parseFromWebview(raw: unknown): FromWebview | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'jump':
      if ((m.set !== 'train' && m.set !== 'test') || !isIndex(m.index)) return null;
      return { type: 'jump', set: m.set, index: m.index };
    case 'runOptimizer':
      if (!isIndex(m.testIndex) || !isIndex(m.k) || (m.k as number) < 1 || (m.k as number) > MAX_K) return null;
      if (m.direction !== 'harmful' && m.direction !== 'helpful') return null;
      return { type: 'runOptimizer', testIndex: m.testIndex, k: m.k as number, direction: m.direction };
    case 'verifyOptimizer':
      if (!isIndex(m.testIndex) || !Array.isArray(m.members) || m.members.length === 0 || m.members.length > MAX_K) return null;
      if (!m.members.every(isIndex)) return null;
      return { type: 'verifyOptimizer', testIndex: m.testIndex, members: m.members as number[] };
    case 'verify': {
      const subsets = m.subsets ?? VERIFY_SUBSETS.default, alpha = m.alpha ?? 0.5;
      if (!isIndex(m.testIndex) || !Number.isInteger(subsets) || (subsets as number) < VERIFY_SUBSETS.min || (subsets as number) > VERIFY_SUBSETS.max) return null;
      if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) return null;
      return { type: 'verify', testIndex: m.testIndex, subsets: subsets as number, alpha };
    }
    case 'cancelVerify':
      return { type: 'cancelVerify' };
    case 'cspViolation':
      if (typeof m.directive !== 'string' || typeof m.blocked !== 'string') return null;
      return { type: 'cspViolation', directive: m.directive.slice(0, 200), blocked: m.blocked.slice(0, 500) };
    default:
      return null;
  }
}

/** State the webview keeps with setState (survives hide/show without retainContextWhenHidden). */
export interface ExplainState {
  view?: ExplainView;
  groups?: GroupResult[];
  memberRows?: Record<number, MemberRow>;
  optimizer?: SelectResult & { verified?: number };
  k?: number;
  direction?: Direction;
}
export interface SweepState { view?: SweepView }
