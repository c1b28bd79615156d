/**
 * Webview panels (Explain, Sweep): one Svelte bundle (dist/webview/main.js + main.css) under a strict
 * CSP (per-load nonce, no 'unsafe-inline'), resources only from dist/webview and media.
 * Messages from the webview are untrusted and checked with `parseFromWebview` before use.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type PanelKind, type ToWebview } from '../protocol';

/** 128 random bits from the OS generator (a CSP nonce must not be guessable), base64. */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, n: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): string {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const n = nonce();
  const js = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css'));
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>${esc(title)}</title></head>
<body>
  <div id="app" data-view="${kind}"></div>
  <script nonce="${n}" src="${js}"></script>
</body></html>`;
}

export type MessageHandler = (kind: PanelKind, msg: FromWebview) => Promise<unknown>;

/** One panel per kind; re-used (revealed) when the command runs again. */
export class Panel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** Last full message (explain/sweep view) plus patches, replayed when the webview (re)loads. */
  private replay: ToWebview[] = [];
  rejected = 0;

  constructor(
    private readonly kind: PanelKind,
    private readonly title: string,
    private readonly extensionUri: vscode.Uri,
    private readonly onMessage: MessageHandler,
    private readonly log: (s: string) => void,
  ) {}

  get visible(): boolean { return !!this.panel; }
  get webviewPanel(): vscode.WebviewPanel | undefined { return this.panel; }

  show(title?: string): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      const p = vscode.window.createWebviewPanel(`influenceLens.${this.kind}`, title ?? this.title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
          retainContextWhenHidden: false,
        });
      p.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
      p.webview.html = panelHtml(p.webview, this.extensionUri, this.kind, title ?? this.title);
      p.webview.onDidReceiveMessage((raw: unknown) => {
        const msg = parseFromWebview(raw);
        if (!msg) {
          this.rejected++;
          this.log(`rejected a malformed message from the ${this.kind} webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        if (msg.type === 'ready') { for (const m of this.replay) void p.webview.postMessage(m); return; }
        this.onMessage(this.kind, msg).catch((e) => this.log(`${this.kind} message ${msg.type} failed: ${String(e)}`));
      });
      p.onDidDispose(() => { this.panel = undefined; });
      this.panel = p;
    }
    if (title) this.panel.title = title;
    return this.panel;
  }

  /** Post a message; full views reset the replay log, patches are appended to it. */
  post(msg: ToWebview): void {
    if (msg.type === 'explain' || msg.type === 'sweep') this.replay = [msg];
    else if (msg.type !== 'busy' && msg.type !== 'error') this.replay.push(msg);
    void this.panel?.webview.postMessage(msg);
  }

  dispose(): void { this.panel?.dispose(); }
}
