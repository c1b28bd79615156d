/**
 * extension ⇄ worker: JSON-RPC 2.0 (vscode-jsonrpc) over the Node IPC channel of a forked process.
 * One constant per request and notification (`REQUESTS`, `NOTIFICATIONS` are the only lists of
 * methods); `$/cancelRequest` plus a cancel marker file reach synchronous engine loops
 * (src/transport/cancellation.ts).
 */
import { notification, request, type NotificationType, type RequestType } from './rpc';
import type { ImagesConfig, ModelConfig, ScoresConfig } from './config';
import type { RowSourceParams, RowSourceResult } from './rowSource';
import type {
  CapabilityView, Direction, ExplainResult, FitReport, GroupResult, GroupSpec, SamplerName, SelectMethod, SelectResult,
  SelfInfluenceResult, SettingsEcho, SweepResult,
} from './results';
import type { EditChangeView, EditsEffectView, EditsFileParams, EditsStateView, TriageView } from './triage';
import type { SampleStateView, TestSetView, VerifyView } from './trust';

/** JSON-RPC error code of a request stopped by `$/cancelRequest` (same value as LSP). */
export const REQUEST_CANCELLED = -32800;
/** JSON-RPC error code for bad user input (the engine's InputError, an unavailable capability). */
export const INPUT_ERROR = -32001;
/** JSON-RPC error code: a request that needs an open session came before `open`. */
export const NO_SESSION = -32002;

/** Command-line flag the extension passes to the worker: folder for cancel marker files. */
export const CANCEL_DIR_FLAG = '--cancel-dir=';
/** Command-line flag: TensorFlow.js backend preference. */
export const BACKEND_FLAG = '--backend=';
/** Environment variable the extension sets for the worker: its own folder for the ONNX feature cache. */
export const FEATURE_CACHE_ENV = 'INFLUENCE_LENS_FEATURE_CACHE';

/** Sent with every request that reports progress; the worker echoes it in `progress` notifications. */
export interface WithProgress { progressToken?: string }

export interface OpenParams extends WithProgress {
  /** Absolute paths (resolved by the extension relative to the config file). */
  trainFile: string;
  testFile: string;
  labelColumn?: string;
  /** λ; absent = the engine's default. */
  l2?: number;
  /** A model source registered in the engine ('linear' when absent). */
  modelType?: ModelConfig['type'] | 'scores';
  modelPath?: string;
  /** onnx: keep the model's own head weights. */
  keepHead?: boolean;
  /** modelType 'scores': the score file's layout (modelPath is the file). */
  scores?: Omit<ScoresConfig, 'path'>;
  images?: ImagesConfig;
  featureColumns?: string[];
  ignoreColumns?: string[];
  /** Where the config came from, only for messages. */
  configFile?: string;
  /** influence.edits.json beside the config: every fit of this session honours its relabel/exclude edits. */
  edits?: EditsFileParams;
}

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
  /** Which source answered (a model-source registry key). */
  source?: string;
  /** What the source can do, with reasons for what it cannot: offer exactly these. */
  capabilities?: CapabilityView[];
  settings?: SettingsEcho;
  /** Float64 kernels the linear engine runs: "wasm-simd", or "js (reason)" (the kernel setting's echo). */
  kernels?: string;
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
  /** Image folders: PNG data URIs of the test sample's and the listed rows' image files. */
  sampleThumbnail?: string;
  rowThumbnails?: Record<number, string>;
}

export interface GroupsParams extends WithProgress {
  /** null = the whole test set (mean test loss). */
  testIndex: number | null;
  /** Explicit groups; when absent the worker builds the candidate groups itself. */
  groups?: GroupSpec[];
  /** Retrain every group now (slow); normally use `retrainGroups` afterwards. */
  retrain?: boolean;
  /** Keep the best `limit` groups by effect (most negative = most harmful first). */
  limit?: number;
  /** When set, each group is announced by a `groupEstimated` notification as soon as it is estimated. */
  streamId?: string;
  /**
   * Groups a stopped stream of this session already estimated (a resumed stream): those still among the
   * candidates are kept as given and not estimated again.
   */
  known?: GroupResult[];
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

/** A group's retrained effect, the sample after retraining without it and the effect in words. */
export interface RetrainedGroup { retrain: number; after?: SampleStateView; sentence?: string }

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

export interface FeaturesParams extends WithProgress { set: 'train' | 'test'; indices: number[] }

export interface WorkerStatus {
  open: boolean; backend: string; pid: number;
  /** Resident set size. */
  memoryMB: number;
  /** V8 heap in use (after a full collection when `gc` was asked and the worker runs with --expose-gc). */
  heapUsedMB?: number;
}

export interface StatusParams extends WithProgress {
  /** Diagnostics: collect garbage first (only with --expose-gc), so heapUsedMB is what is retained. */
  gc?: boolean;
}

/** Test hook: a CPU-bound loop that polls cancellation like the engine does, for at most `ms`. */
export interface SpinParams extends WithProgress { ms: number }

export interface TriageParams extends WithProgress {
  /** Test rows the harm signal is measured on: all | misclassified | class:C | rows:1,5,9 (default all). */
  testSet?: string;
  folds?: number;
  seed?: number;
  flagFraction?: number;
  /** Rows listed (default 50). */
  top?: number;
}

/** A change to the session's edits; the worker answers with the new file text (the extension writes it). */
export type EditOp =
  | { op: 'relabel'; line: number; to: string; reason?: string }
  | { op: 'exclude'; line: number; reason?: string }
  | { op: 'revert'; line: number }
  | { op: 'undo' }
  | { op: 'redo' };

export type EditParams = EditOp & WithProgress & {
  /** ISO time stamped on a new edit. */
  at?: string;
  /** The training file as the config names it (recorded in a new edits file). */
  train?: string;
};

export interface EditResponse {
  /** The whole new influence.edits.json (stable, human-readable). */
  text: string;
  state: EditsStateView;
}

export interface EditsEffectParams extends WithProgress { testSet?: string }

export interface EditsEffectResponse {
  state: EditsStateView;
  /** Null when no edit is in force or the source cannot retrain (reason in `unavailable`). */
  effect: EditsEffectView | null;
  unavailable?: string;
}

export type ExportCleanedParams = WithProgress;

export interface ExportCleanedResponse {
  /** The training file's text with the edits applied; only CSV and JSONL. */
  text: string;
  format: 'csv' | 'jsonl';
  changes: EditChangeView[];
}

/** Verify one test row by retraining (LDS, leave-one-out, brittleness); the worker caches the answer. */
export interface VerifyParams extends WithProgress {
  testIndex: number;
  /** LDS subsets M (default 50) and the fraction α of training rows each keeps (default 0.5). */
  subsets?: number;
  alpha?: number;
  seed?: number;
  /** Rows retrained without, one at a time (default 40). */
  looSample?: number;
  /** Largest set tried for brittleness (default: the engine's). */
  maxRemove?: number;
}

/** Influence on the mean loss of a set of test rows. */
export interface TestSetParams extends WithProgress {
  /** all | misclassified | class:C | rows:1,5,9 (0-based, ranges 3-7). */
  scope: string;
  top?: number;
  /** Most harmful candidate groups checked by the Newton step and retraining (default 5). */
  checkGroups?: number;
}

// ── one constant per request ──
export const Status = request<StatusParams, WorkerStatus>()('influence/status');
export const Open = request<OpenParams, OpenResult>()('influence/open');
export const Explain = request<ExplainParams, ExplainResponse>()('influence/explain');
export const Groups = request<GroupsParams, GroupsResponse>()('influence/groups');
export const RetrainGroups = request<RetrainGroupsParams, RetrainGroupsResponse>()('influence/retrainGroups');
export const Select = request<SelectParams, SelectResult>()('influence/select');
export const Sweep = request<SweepParams, SweepResult>()('influence/sweep');
export const SelfInfluence = request<SelfInfluenceParams, SelfInfluenceResult>()('influence/selfInfluence');
export const Features = request<FeaturesParams, number[][]>()('influence/features');
export const Spin = request<SpinParams, { iterations: number }>()('influence/spin');
export const RowSource = request<RowSourceParams, RowSourceResult>()('influence/rowSource');
export const Verify = request<VerifyParams, VerifyView>()('influence/verify');
export const TestSet = request<TestSetParams, TestSetView>()('influence/testSet');
export const Triage = request<TriageParams, TriageView>()('influence/triage');
export const EditRows = request<EditParams, EditResponse>()('influence/edit');
export const EditsEffect = request<EditsEffectParams, EditsEffectResponse>()('influence/editsEffect');
export const ExportCleaned = request<ExportCleanedParams, ExportCleanedResponse>()('influence/exportCleaned');

/** Every request the worker serves: the one list (the worker registers exactly these). */
export const REQUESTS = { Status, Open, Explain, Groups, RetrainGroups, Select, Sweep, SelfInfluence, Features, Spin, RowSource, Verify, TestSet,
  Triage, EditRows, EditsEffect, ExportCleaned } as const;

type AnyRequest = (typeof REQUESTS)[keyof typeof REQUESTS];
export type WorkerMethod = AnyRequest['method'];
type RequestOf<M extends WorkerMethod> = Extract<AnyRequest, { method: M }>;
type TypesOf<T> = T extends RequestType<string, infer P, infer R> ? { params: P; result: R } : never;
export type ParamsOf<M extends WorkerMethod> = TypesOf<RequestOf<M>>['params'];
export type ResultOf<M extends WorkerMethod> = TypesOf<RequestOf<M>>['result'];
/** Requests by method name: method → [params, result]. */
export type WorkerRequests = { [M in WorkerMethod]: [ParamsOf<M>, ResultOf<M>] };
/** A handler for every request, typed by method (the worker implements exactly this map). */
export type RequestHandlers<Ctx> = { [M in WorkerMethod]: (params: ParamsOf<M>, ctx: Ctx) => ResultOf<M> | Promise<ResultOf<M>> };

export interface ProgressParams { token: string; fraction: number; message: string }
export interface GroupEstimatedParams { streamId: string; index: number; total: number; group: GroupResult }
export interface GroupRetrainedParams extends RetrainedGroup { streamId: string; name: string }
export interface BackendParams { backend: string; tried: string[] }
export interface LogParams { level: 'info' | 'warn' | 'error'; message: string }

// ── one constant per notification (worker → extension) ──
export const Progress = notification<ProgressParams>()('influence/progress');
export const GroupEstimated = notification<GroupEstimatedParams>()('influence/groupEstimated');
export const GroupRetrained = notification<GroupRetrainedParams>()('influence/groupRetrained');
export const Backend = notification<BackendParams>()('influence/backend');
export const Log = notification<LogParams>()('influence/log');

export const NOTIFICATIONS = { Progress, GroupEstimated, GroupRetrained, Backend, Log } as const;

type AnyNotification = (typeof NOTIFICATIONS)[keyof typeof NOTIFICATIONS];
export type WorkerNotification = AnyNotification['method'];
type NotificationParams<T> = T extends NotificationType<string, infer P> ? P : never;
/** Notifications by method name: method → params. */
export type WorkerNotifications = { [N in WorkerNotification]: NotificationParams<Extract<AnyNotification, { method: N }>> };
