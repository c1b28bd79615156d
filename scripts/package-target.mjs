// Platform-specific .vsix: `node scripts/package-target.mjs <target>` (after `node esbuild.mjs --production`),
// e.g. linux-x64, linux-arm64, darwin-arm64, darwin-x64, win32-x64, win32-arm64 — the targets `vsce package
// --target` knows. The universal package (`npm run package`) carries no native code; a target package adds
// the native parts for that platform that are installed in node_modules:
//   - webgpu (Dawn's dawn.node, ~21 MB): copied to dist/native/webgpu/, where the backend chain looks when
//     the `webgpu` package is not resolvable (the .vsix has no node_modules).
//   - onnxruntime-node (CPU build, ~45 MB; the binaries are inside the npm package) with onnxruntime-common:
//     copied to dist/native/node_modules/, where src/engine/onnx/runtime.ts looks when the package is not
//     resolvable, for ONNX models with layers before their head.
// tfjs-node(-gpu) is not included: its binaries are downloaded by an install script that does not run here;
// see docs/NEURAL.md. VS Code installs the matching target package by itself.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const target = process.argv[2];
if (!TARGETS.includes(target)) {
  console.error(`usage: node scripts/package-target.mjs <${TARGETS.join('|')}>`);
  process.exit(2);
}
const [platform] = target.split('-');
// webgpu ships one dawn.node per platform-arch; macOS has one universal build.
const dawnDir = platform === 'darwin' ? 'darwin-universal' : target;
const native = path.join(REPO, 'dist', 'native');
/** The folder of an installed package (resolved from `from`, default the repository), or undefined. */
function resolveDir(pkg, from = REPO) {
  // Node's lookup folders (some packages' "exports" hide their package.json from require.resolve).
  const dirs = createRequire(path.join(from, 'package.json')).resolve.paths(pkg) ?? [];
  return dirs.map((d) => path.join(d, pkg)).find((d) => existsSync(path.join(d, 'package.json')));
}

try {
  rmSync(native, { recursive: true, force: true });
  let webgpu;
  try { webgpu = path.dirname(createRequire(import.meta.url).resolve('webgpu/package.json')); } catch { webgpu = undefined; }
  if (webgpu && existsSync(path.join(webgpu, 'dist', dawnDir))) {
    const to = path.join(native, 'webgpu');
    mkdirSync(path.join(to, 'dist'), { recursive: true });
    for (const f of ['package.json', 'index.js', 'LICENSE.md']) cpSync(path.join(webgpu, f), path.join(to, f));
    cpSync(path.join(webgpu, 'dist', dawnDir), path.join(to, 'dist', dawnDir), { recursive: true });
    console.log(`native: webgpu ${dawnDir} (${readdirSync(path.join(to, 'dist', dawnDir)).join(', ')})`);
  } else {
    console.warn(`native: webgpu for ${dawnDir} is not installed; the ${target} package falls back to wasm for neural models`);
  }
  // Not in the repository root, where the e2e suite takes the newest .vsix.
  mkdirSync(path.join(REPO, 'targets'), { recursive: true });
  const [, arch] = target.split('-');
  const ort = resolveDir('onnxruntime-node');
  const ortBin = ort && path.join(ort, 'bin', 'napi-v6', platform, arch);
  if (ortBin && existsSync(ortBin)) {
    const to = path.join(native, 'node_modules', 'onnxruntime-node');
    for (const f of ['package.json', 'dist', 'LICENSE']) if (existsSync(path.join(ort, f))) cpSync(path.join(ort, f), path.join(to, f), { recursive: true });
    cpSync(ortBin, path.join(to, 'bin', 'napi-v6', platform, arch), { recursive: true });
    const common = resolveDir('onnxruntime-common', ort);
    cpSync(common, path.join(native, 'node_modules', 'onnxruntime-common'), { recursive: true });
    console.log(`native: onnxruntime-node ${platform}/${arch} (${readdirSync(path.join(to, 'bin', 'napi-v6', platform, arch)).join(', ')})`);
  } else {
    console.warn(`native: onnxruntime-node for ${platform}/${arch} is not installed; ONNX models with layers before their head will ask for it`);
  }
  const out = path.join('targets', `influence-lens-${target}.vsix`);
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--no-dependencies',
    '--no-rewrite-relative-links', '--readme-path', 'README.marketplace.md', '-o', out], { cwd: REPO, stdio: 'inherit' });
} finally {
  // The universal package must not pick these up.
  rmSync(native, { recursive: true, force: true });
}
