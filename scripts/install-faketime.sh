#!/usr/bin/env bash
# Debian's faketime for `make test-clock` (the suite run with the machine clock moved).
set -euo pipefail
command -v faketime >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Install faketime (apt) as root, then run make test-clock again." >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq faketime >/dev/null
