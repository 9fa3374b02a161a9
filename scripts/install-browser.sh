#!/usr/bin/env bash
# Debian's chromium and CJK fonts for the browser tests (Playwright never downloads a browser).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then exit 0; fi
exec "$(dirname "$0")/apt-install.sh" chromium fonts-noto-cjk
