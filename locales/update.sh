#!/usr/bin/env bash
# Re-extract every user-facing string and merge it into the catalogs.
# Then translate the new entries in locales/es and locales/en (tests/unit/test_locales.py
# fails while any is missing there); other languages may be incomplete.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F locales/babel.cfg -k t -k her_t -k staff -k staff_t -k N_ -k plural:1,2 \
    --no-location --sort-output --project=omm-bot -o locales/messages.pot bot scheduler
# Every language with a catalog (Spanish and English are complete; K'iche', Q'eqchi'
# and any other one are filled in by translators: see locales/README.md).
languages="es en $(ls locales | grep -v -e '^es$' -e '^en$' -e '\.' -e README | tr '\n' ' ')"
for lang in $languages; do
    if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
        pybabel update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
    else
        pybabel init -i locales/messages.pot -d locales -l "$lang"
    fi
done
