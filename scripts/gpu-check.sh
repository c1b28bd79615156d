#!/usr/bin/env bash
# GPU check (under 5 minutes): what the machine offers for TensorFlow.js, which backends load, and the
# exact HVP rate of the bundled MLP on each as a ratio to wasm (scripts/gpu-check.ts).
#   bash scripts/gpu-check.sh            (after npm ci; writes examples/digits if missing)
# GPU_CHECK_BUDGET_S (default 20) bounds the timed products per backend.
set -uo pipefail
cd "$(dirname "$0")/.."

echo "== machine"
uname -srm
node --version
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; else echo "nvidia-smi: not found"; fi
echo "Vulkan loader: $( (ldconfig -p 2>/dev/null | grep -m1 'libvulkan.so.1') || echo 'libvulkan.so.1 not in the linker cache (apt install libvulkan1)')"
echo "Vulkan drivers (ICD files): $(ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | grep json | tr '\n' ' ' || true)"
[ -n "${VK_ICD_FILENAMES:-}" ] && echo "VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
for p in webgpu @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-node @tensorflow/tfjs-node-gpu; do
  node -e "try { console.log('$p', require('$p/package.json').version) } catch { console.log('$p: not installed') }"
done

echo
echo "== backends"
timeout 280 node --import tsx scripts/gpu-check.ts
rc=$?
[ $rc -eq 124 ] && echo "gpu-check: stopped at the 280 s limit"
exit $rc
