// Platform-specific .vsix: `node scripts/package-target.mjs <target>` (after `node esbuild.mjs --production`),
// e.g. linux-x64, linux-arm64, darwin-arm64, darwin-x64, win32-x64, win32-arm64 — the targets `vsce package
// --target` knows. The universal package (`npm run package`) carries no native code; a target package adds
// the native parts for that platform that are installed in node_modules:
//   - webgpu (Dawn's dawn.node, ~21 MB): copied to dist/native/webgpu/, where the backend chain looks when
//     the `webgpu` package is not resolvable (the .vsix has no node_modules).
// tfjs-node(-gpu) and onnxruntime-node are not included: their binaries are downloaded by install scripts
// that do not run here; see docs/NEURAL.md. VS Code installs the matching target package by itself.
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
  const out = path.join('targets', `influence-lens-${target}.vsix`);
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--no-dependencies',
    '--no-rewrite-relative-links', '--readme-path', 'README.marketplace.md', '-o', out], { cwd: REPO, stdio: 'inherit' });
} finally {
  // The universal package must not pick these up.
  rmSync(native, { recursive: true, force: true });
}
