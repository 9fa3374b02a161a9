#!/usr/bin/env bash
# During a merge: keep every translation either side had, then rebuild the catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
po=locale/zh_Hans/LC_MESSAGES/django.po
tmp=$(mktemp -d)
git show :2:$po > "$tmp/ours.po" 2>/dev/null || git show HEAD:$po > "$tmp/ours.po"
git show :3:$po > "$tmp/theirs.po" 2>/dev/null || git show MERGE_HEAD:$po > "$tmp/theirs.po"
cp "$tmp/ours.po" $po
EXTRA_PO="$tmp/ours.po $tmp/theirs.po" scripts/messages.sh --list-missing
git add $po locale/zh_Hans/LC_MESSAGES/django.mo
