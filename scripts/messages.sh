#!/usr/bin/env bash
# Rebuild the Simplified-Chinese catalogue: extract every English source string,
# keep the translations we have, fill new ones from locale-fragments/*.po, compile.
# Needs GNU gettext (apt-get install gettext); the compiled .mo is committed, so
# running the system does not.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
po=locale/zh_Hans/LC_MESSAGES/django.po
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Fuzzy guesses are never kept: a wrong translation is worse than a missing one.
[ -f "$po" ] && msgattrib --translated --no-fuzzy --no-obsolete "$po" -o "$tmp/known.po" || : > "$tmp/known.po"
$PY manage.py makemessages -l zh_Hans --no-location --no-obsolete \
  --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*' --ignore 'var/*' >/dev/null
shopt -s nullglob
sources=("$tmp/known.po")
n=0
for fragment in locale-fragments/*.po ${EXTRA_PO:-}; do
  n=$((n + 1)); msgattrib --translated --no-fuzzy "$fragment" -o "$tmp/source-$n.po"; sources+=("$tmp/source-$n.po")
done
msgcat --use-first "${sources[@]}" -o "$tmp/compendium.po"
msgmerge --quiet --no-fuzzy-matching --compendium="$tmp/compendium.po" -o "$tmp/merged.po" /dev/null "$po"
sed -i 's/^"Language: \\n"/"Language: zh_Hans\\n"/; s/^"Plural-Forms: .*"/"Plural-Forms: nplurals=1; plural=0;\\n"/' "$tmp/merged.po"
msgattrib --no-obsolete --clear-fuzzy --empty "$tmp/merged.po" -o "$tmp/clean.po" 2>/dev/null || cp "$tmp/merged.po" "$tmp/clean.po"
msgattrib --no-obsolete "$tmp/clean.po" -o "$po"
$PY manage.py compilemessages -l zh_Hans --ignore '.venv/*' >/dev/null
missing=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
echo "zh_Hans: $(grep -c '^msgid ' "$po") messages, $(( missing > 0 ? missing - 1 : 0 )) untranslated"
if [ "${1:-}" = "--list-missing" ]; then msgattrib --untranslated --no-obsolete "$po" | grep '^msgid ' | tail -n +2; fi
