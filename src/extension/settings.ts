/** The extension's VS Code settings (`influenceLens.*`), read fresh on every use. Defaults match package.json. */
import * as vscode from 'vscode';

/** Which float64 kernels the worker's linear engine runs: WebAssembly SIMD, the JavaScript loops, or auto. */
export type KernelSetting = 'auto' | 'wasm' | 'js';
const KERNEL_SETTINGS: readonly KernelSetting[] = ['auto', 'wasm', 'js'];

export interface ExtensionSettings {
  backend: string;
  kernels: KernelSetting;
  execArgv: string[];
  topRows: number;
  groupsShown: number;
  retrainTopGroups: number;
}

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration('influenceLens');
  return {
    backend: c.get<string>('backend', 'auto'),
    kernels: kernelSetting(c.get<string>('kernels', 'auto')),
    execArgv: c.get<string[]>('worker.execArgv', []),
    topRows: c.get<number>('topRows', 10),
    groupsShown: c.get<number>('groupsShown', 30),
    retrainTopGroups: c.get<number>('retrainTopGroups', 20),
  };
}

/** An unknown value (a hand-edited settings.json) falls back to auto rather than failing the worker. */
export function kernelSetting(v: string | undefined): KernelSetting {
  return KERNEL_SETTINGS.includes(v as KernelSetting) ? (v as KernelSetting) : 'auto';
}
