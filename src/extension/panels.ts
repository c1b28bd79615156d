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

/** Every live panel: they share one editor column (the first one's), so columns do not multiply. */
const live = new Set<Panel>();

/** The column the Influence Lens panels live in, if any is open. */
export function panelColumn(): vscode.ViewColumn | undefined {
  for (const p of live) { const c = p.webviewPanel?.viewColumn; if (c !== undefined) return c; }
  return undefined;
}

/** One panel per kind; re-used (revealed where it is) when the command runs again. */
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

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      retainContextWhenHidden: false,
    };
  }

  show(title?: string): vscode.WebviewPanel {
    if (this.panel) {
      // In place: `Beside` again would open yet another column next to whatever editor is active.
      this.panel.reveal(this.panel.viewColumn, true);
    } else {
      this.adopt(vscode.window.createWebviewPanel(`influenceLens.${this.kind}`, title ?? this.title,
        { viewColumn: panelColumn() ?? vscode.ViewColumn.Beside, preserveFocus: true }, this.options()), title ?? this.title);
    }
    if (title) this.panel!.title = title;
    return this.panel!;
  }

  /**
   * A panel VS Code brings back after a window reload (WebviewPanelSerializer): the app restores its
   * last view from its saved state; the extension has nothing to replay until the next explain.
   */
  restore(p: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.replay = [];
    p.webview.options = this.options();
    this.adopt(p, p.title);
  }

  private adopt(p: vscode.WebviewPanel, title: string): void {
    p.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    p.webview.html = panelHtml(p.webview, this.extensionUri, this.kind, title);
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
    p.onDidDispose(() => { if (this.panel === p) this.panel = undefined; live.delete(this); });
    this.panel = p;
    live.add(this);
  }

  /** Registers the serializer that restores this kind of panel after a reload. */
  serializer(onRestored?: (state: unknown) => void): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(`influenceLens.${this.kind}`, {
      deserializeWebviewPanel: async (p, state) => { this.restore(p); onRestored?.(state); },
    });
  }

  /** Post a message; full views reset the replay log, patches are appended to it. */
  post(msg: ToWebview): void {
    if (msg.type === 'explain' || msg.type === 'sweep') this.replay = [msg];
    else if (msg.type !== 'busy' && msg.type !== 'error') this.replay.push(msg);
    void this.panel?.webview.postMessage(msg);
  }

  dispose(): void { this.panel?.dispose(); }
}
