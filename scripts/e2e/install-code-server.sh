#!/usr/bin/env bash
# Installs the "real VS Code" used by the end-to-end tests: code-server (VS Code 1.100.x
# served to a browser, extensions in a Node extension host) plus playwright-core, and the
# Debian packages they need (chromium to drive it, ripgrep, libkrb5-dev, fonts).
#
#   usage: scripts/e2e/install-code-server.sh [DIR]      DIR default: .e2e/code-server
#
# Idempotent: exits at once when DIR already holds a finished install (marker file).
# Works offline apart from the npm registry and the Debian mirror. apt-get runs only when a
# package is missing, and needs root then (otherwise the script says what to install).
#
# Why the manual steps: code-server's postinstall downloads ripgrep from GitHub and refuses
# to run as root, so install scripts are skipped, Debian's rg is copied in, and the native
# modules are rebuilt with node-gyp against the local Node headers.
set -euo pipefail

DIR=${1:-${CODE_SERVER_DIR:-.e2e/code-server}}
VERSION=${CODE_SERVER_VERSION:-4.100.3}          # = VS Code 1.100.3 (engines.vscode ^1.100.0)
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
APT_PACKAGES=(chromium ripgrep libkrb5-dev fonts-dejavu-core g++ make python3)
MARKER_NAME=".influence-lens-e2e-ready-$VERSION"

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
MARKER="$DIR/$MARKER_NAME"
if [ -f "$MARKER" ]; then
  echo "install-code-server: code-server $VERSION already installed in $DIR"
  exit 0
fi
start=$(date +%s)

# ---- Debian packages -------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-code-server: missing Debian packages: ${missing[*]} (run as root or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "install-code-server: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run may hold the dpkg lock (CI images, parallel sessions): wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) not on PATH" >&2; exit 1; }

# ---- code-server + playwright-core -----------------------------------------------------
cd "$DIR"
[ -f package.json ] || echo '{"private":true,"description":"influence-lens e2e: code-server install"}' > package.json
echo "install-code-server: npm install code-server@$VERSION playwright-core@$PLAYWRIGHT_VERSION"
npm install --no-audit --no-fund --no-save --ignore-scripts --loglevel=error \
  "code-server@$VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null

# VS Code's own server dependencies live in a separate package.json inside code-server.
cd "$DIR/node_modules/code-server/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts --loglevel=error >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
echo "install-code-server: rebuilding native modules"
npm_config_yes=true npm rebuild --loglevel=error \
  kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >/dev/null
# Desktop builds pack node_modules into an asar archive the server looks for; point it at the folder.
ln -sfn node_modules node_modules.asar

# argon2 is hoisted to DIR/node_modules, so it has to be rebuilt from DIR (from inside
# code-server's folder the rebuild silently does nothing). Offline it compiles from source.
cd "$DIR"
npm_config_yes=true npm rebuild --loglevel=error argon2 >/dev/null
test -f node_modules/argon2/lib/binding/napi-v3/argon2.node \
  || { echo "install-code-server: argon2 native module missing after rebuild" >&2; exit 1; }

# Smoke test: the server starts far enough to print its version.
XDG_CONFIG_HOME="$DIR/.config" node node_modules/code-server/out/node/entry.js --version
touch "$MARKER"
echo "install-code-server: done in $(( $(date +%s) - start ))s ($DIR)"
