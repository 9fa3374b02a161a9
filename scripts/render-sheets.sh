#!/usr/bin/env bash
# Render every workbook the system writes to PDF and PNG, for a person to look at before a
# bureau prints, signs and stamps them. Uses the demo database of `make run` (run it once).
#   apt-get install libreoffice-calc-nogui poppler-utils fonts-noto-cjk
#   scripts/render-sheets.sh [folder]        (default var/sheets)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
out=${1:-var/sheets}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install libreoffice-calc-nogui poppler-utils" >&2; exit 1; }
done
rm -rf "$out" && mkdir -p "$out"
$PY scripts/sample_workbooks.py "$out"
# A profile of its own: a LibreOffice already open on the desktop does not take the job.
soffice -env:UserInstallation="file://$PWD/var/lo-profile" --headless --convert-to pdf --outdir "$out" "$out"/*.xlsx >/dev/null
for pdf in "$out"/*.pdf; do
  pdftoppm -png -r 60 "$pdf" "${pdf%.pdf}"
done
ls -1 "$out"
