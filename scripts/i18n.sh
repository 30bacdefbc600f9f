#!/usr/bin/env bash
# Translation catalogue tooling for the portal's English interface.
#
# The UI strings are Chinese gettext msgids (zh_CN is the default locale and has
# no catalogue); English lives in translations/en/LC_MESSAGES/messages.po and its
# compiled messages.mo, both committed so a fresh clone runs without a build step.
#
#   scripts/i18n.sh extract   collect msgids from portal/**.py and templates/**.html into messages.pot
#   scripts/i18n.sh update    extract, then merge the template into the English .po (init when missing)
#   scripts/i18n.sh compile   compile the English .po into messages.mo
#   scripts/i18n.sh check     report untranslated and fuzzy msgids and whether messages.mo is stale;
#                             exits 1 when anything needs work
set -euo pipefail

cd "$(dirname "$0")/.."

PYBABEL=.venv/bin/pybabel
PYTHON=.venv/bin/python
POT=translations/messages.pot
LOCALE=en
PO=translations/$LOCALE/LC_MESSAGES/messages.po
MO=translations/$LOCALE/LC_MESSAGES/messages.mo

# Arguments before the command go to pybabel itself (check passes --quiet).
extract() {
    mkdir -p translations
    # --ignore-dirs keeps pybabel out of .venv and other hidden or private folders.
    "$PYBABEL" "$@" extract -F babel.cfg -k _l -k lazy_gettext \
        --project="Xiamen Low-Carbon Technology Portal" \
        --copyright-holder="Xiamen Low-Carbon Technology Portal" \
        --ignore-dirs=".* _* node_modules" \
        --sort-by-file \
        -o "$POT" .
}

update() {
    extract
    if [[ -f $PO ]]; then
        # No fuzzy matching: a guessed translation of a different Chinese string is
        # worse than an empty one, which `check` reports and the tests refuse.
        # A new extraction date alone leaves the .po (and so the .mo) untouched.
        "$PYBABEL" update -i "$POT" -d translations -l "$LOCALE" \
            --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
    else
        "$PYBABEL" init -i "$POT" -d translations -l "$LOCALE"
    fi
}

compile() {
    "$PYBABEL" compile -d translations -l "$LOCALE" --statistics
}

check() {
    extract --quiet
    "$PYTHON" - "$POT" "$PO" "$MO" <<'PY'
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

pot_path, po_path, mo_path = (Path(arg) for arg in sys.argv[1:])
with pot_path.open("rb") as handle:
    template = read_po(handle)
with po_path.open("rb") as handle:
    catalogue = read_po(handle)

source_ids = {message.id for message in template if message.id}


def is_translated(message) -> bool:
    # Plural messages carry a tuple of strings; every form must be filled in.
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


translated = {message.id for message in catalogue if message.id and is_translated(message)}
untranslated = sorted(source_ids - translated, key=str)
obsolete = sorted({m.id for m in catalogue if m.id} - source_ids, key=str)

compiled = BytesIO()
write_mo(compiled, catalogue)
stale = not Path(mo_path).exists() or Path(mo_path).read_bytes() != compiled.getvalue()

print(f"msgids in source: {len(source_ids)}")
print(f"untranslated or fuzzy: {len(untranslated)}")
for message_id in untranslated:
    print(f"  {message_id}")
print(f"in the catalogue but gone from the source: {len(obsolete)}")
print(f"messages.mo stale: {'yes' if stale else 'no'}")
sys.exit(1 if untranslated or stale else 0)
PY
}

case "${1:-}" in
    extract) extract ;;
    update) update ;;
    compile) compile ;;
    check) check ;;
    *)
        echo "usage: $0 extract|update|compile|check" >&2
        exit 2
        ;;
esac
