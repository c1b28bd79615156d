/**
 * The one protocol of Influence Lens. Imported by the worker (src/worker), the extension host
 * (src/extension) and the webview (webview/). It has no runtime dependency on `vscode` or on
 * `vscode-jsonrpc`, so the browser bundle stays small: the worker/extension wrap the method names
 * below in vscode-jsonrpc requests themselves.
 *
 * Rooms and channels:
 *   extension ⇄ worker   JSON-RPC 2.0 (vscode-jsonrpc) over the Node IPC channel of a forked process:
 *                        requests (`WorkerRequests`), `$/cancelRequest` plus a cancel file for
 *                        synchronous engine loops, and notifications (`WorkerNotifications`).
 *   extension ⇄ webview  `postMessage` with the typed unions `ToWebview` / `FromWebview`; messages
 *                        from the webview are checked at run time by `parseFromWebview`.
 * Result payloads are the engine's own JSON result types (src/engine/results.ts), unchanged.
 */
import type {
  Direction, ExplainResult, FitReport, GroupKind, GroupResult, GroupSpec, SamplerName, SelectMethod, SelectResult,
  SelfInfluenceResult, SweepResult,
} from './engine/results';

export type {
  Direction, ExplainResult, FitReport, GroupKind, GroupResult, GroupSpec, SamplerName, SelectMethod, SelectResult,
  SelfInfluenceResult, SweepResult,
};

// ───────────────────────────── config file ─────────────────────────────

export type ModelConfig =
  | { type: 'linear'; l2?: number }
  | { type: 'tfjs'; path: string };

/** `influence.config.json` (paths relative to the config file). */
export interface InfluenceConfig {
  train: string;
  test: string;
  labelColumn?: string;
  model?: ModelConfig;
  /** [height, width] or [height, width, channels]: rows are drawn as pictures. */
  imageShape?: number[];
}

// ───────────────────────────── extension ⇄ worker ─────────────────────────────

/** JSON-RPC error code of a request stopped by `$/cancelRequest` (same value as LSP). */
export const REQUEST_CANCELLED = -32800;
/** JSON-RPC error code for bad user input (the engine's InputError). */
export const INPUT_ERROR = -32001;
/** JSON-RPC error code: a request that needs an open session came before `open`. */
export const NO_SESSION = -32002;

/** Sent with every request that reports progress; the worker echoes it in `progress` notifications. */
export interface WithProgress { progressToken?: string }

export interface OpenParams extends WithProgress {
  /** Absolute paths (resolved by the extension relative to the config file). */
  trainFile: string;
  testFile: string;
  labelColumn?: string;
  l2?: number;
  modelType?: ModelConfig['type'];
  modelPath?: string;
  /** Where the config came from, only for messages. */
  configFile?: string;
}

/** The settings a session was opened with; echoed with every view, so a result always says what produced it. */
export type SessionSettings = Omit<OpenParams, 'progressToken'>;

export interface OpenResult {
  backend: string;
  fit: FitReport;
  classes: string[];
  nTrain: number;
  nTest: number;
  d: number;
  trainFile: string;
  testFile: string;
  /** 1-based file line of every row (maps the cursor to a row index exactly as the loader counted). */
  trainLines: number[];
  testLines: number[];
  /** Class index of every training row (labels in tree items and thumbnails). */
  trainY: number[];
  timings: Record<string, number>;
}

export interface ExplainParams extends WithProgress {
  testIndex: number;
  top?: number;
  /** Also return feature vectors for the sample and the listed rows (for pictures). */
  withFeatures?: boolean;
}

export interface ExplainResponse {
  result: ExplainResult;
  /** Features of the test sample and of every harmful/helpful row, when asked for. */
  sampleFeatures?: number[];
  rowFeatures?: Record<number, number[]>;
}

export interface GroupsParams extends WithProgress {
  /** null = the whole test set (mean test loss). */
  testIndex: number | null;
  /** Explicit groups; when absent the worker builds the candidate groups itself. */
  groups?: GroupSpec[];
  /** Retrain every group now (slow); normally use `retrainGroups` afterwards. */
  retrain?: boolean;
  /** Keep the best `limit` groups by second-order effect (most negative = most harmful first). */
  limit?: number;
  /** When set, each group is announced by a `groupEstimated` notification as soon as it is estimated. */
  streamId?: string;
}

export interface GroupsResponse {
  testIndex: number | null;
  groups: GroupResult[];
}

export interface RetrainGroupsParams extends WithProgress {
  testIndex: number | null;
  groups: GroupSpec[];
  /** The worker sends a `groupRetrained` notification with this id after each group. */
  streamId: string;
}

export interface RetrainGroupsResponse { groups: Array<{ name: string; retrain: number }> }

export interface SelectParams extends WithProgress {
  testIndex: number;
  k: number;
  direction: Direction;
  method?: SelectMethod;
  retrain?: boolean;
}

export interface SweepParams extends WithProgress {
  sampler?: SamplerName;
  m?: number;
  seeds?: number;
  retrain?: boolean;
}

export interface SelfInfluenceParams extends WithProgress { top?: number }

export interface FeaturesParams { set: 'train' | 'test'; indices: number[] }

export interface WorkerStatus { open: boolean; backend: string; pid: number; memoryMB: number }

/** Requests the extension sends to the worker: method → [params, result]. */
export interface WorkerRequests {
  'influence/status': [Record<string, never>, WorkerStatus];
  'influence/open': [OpenParams, OpenResult];
  'influence/explain': [ExplainParams, ExplainResponse];
  'influence/groups': [GroupsParams, GroupsResponse];
  'influence/retrainGroups': [RetrainGroupsParams, RetrainGroupsResponse];
  'influence/select': [SelectParams, SelectResult];
  'influence/sweep': [SweepParams, SweepResult];
  'influence/selfInfluence': [SelfInfluenceParams, SelfInfluenceResult];
  'influence/features': [FeaturesParams, number[][]];
  /** Test hook: a CPU-bound loop that only stops when cancelled (or after `ms`). */
  'influence/spin': [WithProgress & { ms: number }, { iterations: number }];
}
export type WorkerMethod = keyof WorkerRequests;
export type ParamsOf<M extends WorkerMethod> = WorkerRequests[M][0];
export type ResultOf<M extends WorkerMethod> = WorkerRequests[M][1];

export interface ProgressParams { token: string; fraction: number; message: string }
export interface GroupEstimatedParams { streamId: string; index: number; total: number; group: GroupResult }
export interface GroupRetrainedParams { streamId: string; name: string; retrain: number }
export interface BackendParams { backend: string; tried: string[] }
export interface LogParams { level: 'info' | 'warn' | 'error'; message: string }

/** Notifications the worker sends to the extension: method → params. */
export interface WorkerNotifications {
  'influence/progress': ProgressParams;
  'influence/groupEstimated': GroupEstimatedParams;
  'influence/groupRetrained': GroupRetrainedParams;
  'influence/backend': BackendParams;
  'influence/log': LogParams;
}
export type WorkerNotification = keyof WorkerNotifications;

/** Command-line flag the extension passes to the worker: folder for cancel marker files. */
export const CANCEL_DIR_FLAG = '--cancel-dir=';
/** Command-line flag: TensorFlow.js backend preference. */
export const BACKEND_FLAG = '--backend=';

// ───────────────────────────── extension ⇄ webview ─────────────────────────────

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
  /** The session settings that produced this explanation. */
  settings?: SessionSettings;
}

export interface SweepView {
  sweep: SweepResult;
  settings?: SessionSettings;
}

/** A training row named in a group: its label and 1-based line in the training file. */
export interface MemberRow { label: string; line: number }

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
  | { type: 'groupRetrained'; testIndex: number; name: string; retrain: number }
  | { type: 'optimizerResult'; testIndex: number; result: SelectResult }
  | { type: 'optimizerVerified'; testIndex: number; retrain: number }
  | { type: 'sweep'; view: SweepView }
  | { type: 'busy'; what: string | null }
  | { type: 'error'; message: string };

/** webview → extension */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'jump'; set: 'train' | 'test'; index: number }
  | { type: 'runOptimizer'; testIndex: number; k: number; direction: Direction }
  | { type: 'verifyOptimizer'; testIndex: number; members: number[] }
  | { type: 'cspViolation'; directive: string; blocked: string };

const MAX_K = 10_000;

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
