/**
 * The WebAssembly SIMD kernels (kernels.wasm, built from assembly/kernels.ts by `npm run build:kernels`),
 * loaded synchronously on first use, with a small allocator over the module's linear memory.
 * Which kernels run is chosen here: INFLUENCE_LENS_KERNELS=js|wasm|auto (default auto) or setKernels()
 * (the extension passes its setting through the worker). 'auto' falls back to the JavaScript kernels when
 * the module cannot be loaded (no SIMD, file missing); 'wasm' makes that an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type KernelMode = 'auto' | 'wasm' | 'js';

/** The parts of the WebAssembly API used here (the project's lib settings carry no DOM/WebAssembly types). */
interface Memory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: Memory;
  heapBase(): number;
  passDense(X: number, D: number, rows: number, m: number, mReal: number, y: number, w: number, V: number, Kp: number, K: number,
    logistic: number, out: number, P: number, L: number, scratch: number): number;
  passSparse(ptr: number, off: number, val: number, rows: number, m: number, mReal: number, y: number, w: number, V: number, Kp: number, K: number,
    logistic: number, out: number, P: number, L: number, scratch: number): number;
  logitsDense(X: number, D: number, rows: number, m: number, V: number, Kp: number, Z: number): void;
  logitsSparse(ptr: number, off: number, val: number, rows: number, m: number, V: number, Kp: number, Z: number): void;
  hvpDense(X: number, D: number, rows: number, m: number, mReal: number, P: number, w: number, V: number, Kp: number, K: number,
    logistic: number, out: number, scratch: number): void;
  hvpSparse(ptr: number, off: number, val: number, rows: number, mReal: number, P: number, w: number, V: number, Kp: number, K: number,
    logistic: number, out: number, scratch: number): void;
  gatherColumns(X: number, D: number, rows: number, m: number, t0: number, cb: number, D4: number, Xc: number): void;
  gramLower(Xc: number, D4: number, cb: number, W: number, G: number, tmp: number): void;
  cholesky(A: number, n: number): number;
  transpose(L: number, U: number, n: number): void;
  cholSolve(L: number, U: number, n: number, x: number, count: number): void;
  cholSolveInterleaved(L: number, U: number, n: number, x: number, Kp: number, scratch: number): void;
  crossDots(A: number, m: number, B: number, mb: number, p: number, G: number): void;
  combineRows(A: number, m: number, p: number, c: number, out: number): void;
}

const PAGE = 65536;

/** First-fit allocator with coalescing over the module memory (memory only grows; freed blocks are reused). */
export class WasmKernels {
  private free: { off: number; size: number }[] = [];
  private sizes = new Map<number, number>();
  private top: number;

  constructor(readonly k: Exports) {
    this.top = k.heapBase();
  }

  alloc(bytes: number): number {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.size < size) continue;
      const off = b.off;
      if (b.size === size) this.free.splice(i, 1);
      else { b.off += size; b.size -= size; }
      this.sizes.set(off, size);
      return off;
    }
    const off = this.top;
    const end = off + size;
    const have = this.k.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.k.memory.grow(pages);
      } catch {
        throw new Error(`out of WebAssembly memory (${(end / 2 ** 30).toFixed(2)} GiB needed); set INFLUENCE_LENS_KERNELS=js`);
      }
    }
    this.top = end;
    this.sizes.set(off, size);
    return off;
  }

  release(off: number): void {
    const size = this.sizes.get(off);
    if (size === undefined) return;
    this.sizes.delete(off);
    let i = 0;
    while (i < this.free.length && this.free[i].off < off) i++;
    this.free.splice(i, 0, { off, size });
    // Coalesce with the neighbours, then give the tail back to `top`.
    if (i + 1 < this.free.length && this.free[i].off + this.free[i].size === this.free[i + 1].off) {
      this.free[i].size += this.free[i + 1].size;
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1].off + this.free[i - 1].size === this.free[i].off) {
      this.free[i - 1].size += this.free[i].size;
      this.free.splice(i, 1);
      i--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.off + last.size === this.top) {
      this.top = last.off;
      this.free.pop();
    }
  }

  f64(ptr: number, len: number): Float64Array { return new Float64Array(this.k.memory.buffer, ptr, len); }
  i32(ptr: number, len: number): Int32Array { return new Int32Array(this.k.memory.buffer, ptr, len); }

  /** Allocations freed together by `done()` (scratch for one call). */
  scope(): Scope { return new Scope(this); }

  /** Bytes the module holds now (for memory reports). */
  get heapBytes(): number { return this.k.memory.buffer.byteLength; }
}

export class Scope {
  private ptrs: number[] = [];
  constructor(private readonly w: WasmKernels) {}
  alloc(bytes: number): number { const p = this.w.alloc(bytes); this.ptrs.push(p); return p; }
  /** A zeroed f64 region; returns its pointer. */
  zeros(len: number): number { const p = this.alloc(len * 8); this.w.f64(p, len).fill(0); return p; }
  /** A copy of `src` in module memory. */
  copyF64(src: ArrayLike<number>): number { const p = this.alloc(src.length * 8); this.w.f64(p, src.length).set(src); return p; }
  copyI32(src: ArrayLike<number>): number { const p = this.alloc(src.length * 4); this.w.i32(p, src.length).set(src); return p; }
  done(): void { for (let k = this.ptrs.length - 1; k >= 0; k--) this.w.release(this.ptrs[k]); this.ptrs = []; }
}

let modeNote = '';
let mode: KernelMode = parseMode(process.env.INFLUENCE_LENS_KERNELS);
let loaded: WasmKernels | null | undefined;
let loadError = '';

function parseMode(v: string | undefined): KernelMode {
  if (v === undefined || v === '') return 'auto';
  if (v === 'auto' || v === 'wasm' || v === 'js') return v;
  // A typo in an environment variable must not take the process down: choose automatically and say so in
  // kernelInfo() (the engine writes nothing to the terminal itself).
  modeNote = `INFLUENCE_LENS_KERNELS=${JSON.stringify(v)} is not auto, wasm or js; using auto`;
  return 'auto';
}

/** Chooses the kernels for everything computed after the call. */
export function setKernels(m: KernelMode): void {
  if (m !== 'auto' && m !== 'wasm' && m !== 'js') throw new Error(`kernels must be auto, wasm or js, not ${JSON.stringify(m)}`);
  mode = m;
}

export function kernelMode(): KernelMode { return mode; }

function candidates(): string[] {
  // Bundled: next to dist/*.js; from source (tests, tsx): next to this file.
  return [path.join(__dirname, 'kernels.wasm'), path.join(__dirname, 'kernels', 'kernels.wasm')];
}

function load(): WasmKernels | null {
  for (const file of candidates()) {
    if (!fs.existsSync(file)) continue;
    try {
      const module = new WA.Module(fs.readFileSync(file));
      const inst = new WA.Instance(module, {});
      return new WasmKernels(inst.exports as unknown as Exports);
    } catch (e) {
      loadError = `${file}: ${(e as Error).message}`;
      return null;
    }
  }
  loadError = `kernels.wasm not found (looked in ${candidates().join(', ')})`;
  return null;
}

/** The WebAssembly kernels when they are chosen and available, else null (use the JavaScript kernels). */
export function wasmKernels(): WasmKernels | null {
  if (mode === 'js') return null;
  if (loaded === undefined) loaded = load();
  if (!loaded && mode === 'wasm') throw new Error(`INFLUENCE_LENS_KERNELS=wasm but the WebAssembly kernels cannot be loaded: ${loadError}`);
  return loaded;
}

/** What runs, for logs and benchmarks: "wasm-simd" or "js (reason)". */
export function kernelInfo(): string {
  const w = wasmKernels();
  const note = modeNote ? ` (${modeNote})` : '';
  if (w) return `wasm-simd${note}`;
  return mode === 'js' ? 'js (chosen)' : `js (${loadError})${note}`;
}
