#!/usr/bin/env bash
# System packages k8ts needs on Debian/Ubuntu: what a node runs pods with (containerd, runc, the CNI
# plugins, iptables) and a C compiler for the pause image. --test adds what the test suite uses:
# a local registry and image tools, busybox for test images, etcd, tmux for interactive kubectl,
# the Python client.
# Idempotent; installs only what is missing.
set -euo pipefail
want=(ca-certificates python3 unzip g++ make gcc libc6-dev containerd runc containernetworking-plugins iptables)
if [[ "${1:-}" == "--test" ]]; then
  want+=(skopeo umoci docker-registry apache2-utils busybox-static etcd-server tmux curl iproute2 python3-kubernetes)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's etcd-server and docker-registry packages start system services on install; the tests
# start their own instances on ports of their own, so stop the packaged ones if they run.
if [[ "${1:-}" == "--test" && $(id -u) -eq 0 ]]; then
  for svc in etcd docker-registry; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
  done
fi
echo "system packages present: ${want[*]}"
