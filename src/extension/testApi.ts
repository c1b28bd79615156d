/**
 * The API `activate()` returns: used by the extension-host tests (test/host) and demos, not by users.
 * Read-only views of the features' last results plus the worker and the webview message path.
 */
import type * as vscode from 'vscode';
import type {
  EditsEffectView, EditsStateView, ExplainResult, GroupResult, OpenParams, PanelKind, ParamsOf, ResultOf, SelectResult, SweepResult, TestSetView,
  TriageView, VerifyView, WorkerMethod,
} from '../protocol';
import type { LoadedConfig } from './configService';
import type { Notice } from './notify';
import type { WorkerState } from './workerClient';

export interface InfluenceLensApi {
  worker: {
    request<M extends WorkerMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
    restart(): Promise<void>;
    readonly state: WorkerState;
    readonly backend: string;
    readonly pid: number | undefined;
    /** Methods waiting for an answer from the worker. */
    readonly inFlight: string[];
  };
  /** Same path as a message posted by a webview (validated first). */
  handleWebviewMessage(panelKind: PanelKind, msg: unknown): Promise<unknown>;
  readonly lastExplain: ExplainResult | undefined;
  /** The session settings the last explanation is shown with. */
  readonly lastSettings: Omit<OpenParams, 'progressToken'> | undefined;
  /** The last messages shown to the user (oldest first). */
  readonly notices: readonly Notice[];
  readonly lastGroups: GroupResult[] | undefined;
  readonly lastAllGroups: GroupResult[] | undefined;
  readonly lastSweep: SweepResult | undefined;
  readonly lastOptimizer: SelectResult | undefined;
  /** Resolves when the background group estimates and "actual retrained effect" pass of the last explain end. */
  readonly groupsDone: Promise<void>;
  /** How many times the explained sample's group estimates were started (explain, then each resume). */
  readonly groupRuns: number;
  /** How many estimated groups the last resume carried over from the stopped run (not estimated again). */
  readonly groupsCarried: number;
  /** The sidebar's note on the explained sample's groups ("estimating…", "stopped", … or none when done). */
  readonly groupsNote: string | undefined;
  readonly statusText: string;
  readonly config: LoadedConfig | undefined;
  /** Explain test row `testIndex` without an editor (tests, demos). */
  explainTestRow(testIndex: number): Promise<ExplainResult | undefined>;
  readonly panels: { explain: vscode.WebviewPanel | undefined; sweep: vscode.WebviewPanel | undefined };
  readonly rejectedMessages: number;
  /** Suspect Training Rows: the queue shown, the edits in force and their before/after (run the influenceLens.triage.* commands). */
  readonly triage: {
    readonly queue: TriageView | undefined;
    readonly effect: EditsEffectView | null;
    readonly edits: EditsStateView | undefined;
    /** The view's message: what the queue is, or why there is none. */
    readonly message: string | undefined;
  };
  /** The last Verify answer shown in the Explain panel. */
  readonly lastVerify: VerifyView | undefined;
  /** The last Explain the Test Set result (the sidebar's "For the test set" section). */
  readonly lastTestSet: TestSetView | undefined;
  /** Explain the Test Set with a scope (all | misclassified | class:C | rows:…), without the quick pick. */
  explainTestSet(scope: string): Promise<TestSetView | undefined>;
}
