/**
 * The API `activate()` returns: used by the extension-host tests (test/host) and demos, not by users.
 * Read-only views of the features' last results plus the worker and the webview message path.
 */
import type * as vscode from 'vscode';
import type { ExplainResult, GroupResult, PanelKind, ParamsOf, ResultOf, SelectResult, SweepResult, WorkerMethod } from '../protocol';
import type { LoadedConfig } from './configService';
import type { WorkerState } from './workerClient';

export interface InfluenceLensApi {
  worker: {
    request<M extends WorkerMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
    restart(): Promise<void>;
    readonly state: WorkerState;
    readonly backend: string;
    readonly pid: number | undefined;
  };
  /** Same path as a message posted by a webview (validated first). */
  handleWebviewMessage(panelKind: PanelKind, msg: unknown): Promise<unknown>;
  readonly lastExplain: ExplainResult | undefined;
  readonly lastGroups: GroupResult[] | undefined;
  readonly lastAllGroups: GroupResult[] | undefined;
  readonly lastSweep: SweepResult | undefined;
  readonly lastOptimizer: SelectResult | undefined;
  /** Resolves when the background group estimates and "actual retrained effect" pass of the last explain end. */
  readonly groupsDone: Promise<void>;
  readonly statusText: string;
  readonly config: LoadedConfig | undefined;
  /** Explain test row `testIndex` without an editor (tests, demos). */
  explainTestRow(testIndex: number): Promise<ExplainResult | undefined>;
  readonly panels: { explain: vscode.WebviewPanel | undefined; sweep: vscode.WebviewPanel | undefined };
  readonly rejectedMessages: number;
}
