#!/usr/bin/env bash
# Re-extract every user-facing string and merge it into the catalogs.
# Then translate the new entries in locales/*/LC_MESSAGES/messages.po
# (tests/unit/test_locales.py fails while any is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F locales/babel.cfg -k t -k her_t -k staff -k staff_t -k N_ -k plural:1,2 \
    --no-location --sort-output --project=omm-bot -o locales/messages.pot bot scheduler
for lang in es en; do
    if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
        pybabel update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
    else
        pybabel init -i locales/messages.pot -d locales -l "$lang"
    fi
done
