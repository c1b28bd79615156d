// Typed wrapper around acquireVsCodeApi() (callable once per page load): postMessage only accepts
// the protocol's FromWebview union.
import type { FromWebview } from '../src/protocol';

const api = acquireVsCodeApi<unknown>();

export const vscode = {
  post: (msg: FromWebview): void => api.postMessage(msg),
  getState: <S>(): S | undefined => api.getState() as S | undefined,
  setState: <S>(s: S): void => { api.setState(s); },
};
