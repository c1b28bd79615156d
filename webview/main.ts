// Webview entry: one bundle for both panels; <div id="app" data-view="explain|sweep"> picks the app.
// Web components are registered BEFORE mount() so Svelte sets properties on upgraded elements.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import './app.css';
import { mount } from 'svelte';
import ExplainApp from './ExplainApp.svelte';
import SweepApp from './SweepApp.svelte';
import { vscode } from './vscode';

declare global { interface Window { __csp: string[] } }
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`);
  vscode.post({ type: 'cspViolation', directive: e.effectiveDirective, blocked: e.blockedURI });
});

const target = document.getElementById('app')!;
if (target.dataset.view === 'sweep') mount(SweepApp, { target });
else mount(ExplainApp, { target });
vscode.post({ type: 'ready' });
