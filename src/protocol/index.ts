/**
 * The one contract of Influence Lens, imported by the worker (src/worker), the extension host
 * (src/extension) and the webviews (webview/). It owns its types — results as view models, messages,
 * config — and imports nothing outside this folder: no `vscode`, no `vscode-jsonrpc`, no engine.
 *
 *   config.ts   influence.config.json
 *   results.ts  results as the UI receives them (the worker maps engine results onto these)
 *   worker.ts   extension ⇄ worker requests and notifications, one constant per method
 *   webview.ts  extension ⇄ webview messages and the panels' view models
 *   rpc.ts      the typed request/notification constant helpers
 *   rowSource.ts  where a data row lives, for jumps (Parquet row views, image files)
 *   trust.ts    Verify and test-set results as view models, sentences included
 */
export * from './config';
export * from './results';
export * from './worker';
export * from './webview';
export * from './rpc';
export * from './rowSource';
export * from './trust';
