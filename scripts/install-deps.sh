#!/usr/bin/env bash
# System packages k8ts needs on Debian/Ubuntu. --test adds what the test suite uses.
# Idempotent; installs only what is missing.
set -euo pipefail
want=(ca-certificates python3 unzip g++ make)
if [[ "${1:-}" == "--test" ]]; then
  want+=()
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "system packages present: ${want[*]}"
