/**
 * Typed request and notification constants, one per method (the vscode-languageclient pattern), without
 * importing vscode-jsonrpc: the webview bundle imports this folder too. A constant is just its method
 * name; the parameter and result types ride along as phantom types for the worker and the client.
 */
export interface RequestType<M extends string, P, R> {
  readonly method: M;
  /** Never set: carries the types. */
  readonly types?: { params: P; result: R };
}

export interface NotificationType<M extends string, P> {
  readonly method: M;
  readonly types?: { params: P };
}

/** `request<P, R>()('influence/x')`: curried so the method name stays a literal type. */
export function request<P, R>() {
  return <M extends string>(method: M): RequestType<M, P, R> => Object.freeze({ method });
}

export function notification<P>() {
  return <M extends string>(method: M): NotificationType<M, P> => Object.freeze({ method });
}
