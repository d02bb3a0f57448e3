"""Fill a catalog's msgstr values from a JSON object {msgid: translation} and recompile.

Usage: python scripts/fill_translations.py path/to/locale/kk/LC_MESSAGES/django.po kk.json
Plural entries take a list of forms. Entries not in the JSON are left as they are; the
script prints the msgids still untranslated, so nothing is forgotten.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> None:
    with open(json_path, encoding="utf-8") as fh:
        translations = json.load(fh)
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            n = len(entry.msgstr_plural) or 2
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(max(n, len(forms)))}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    po.save_as_mofile(po_path[:-3] + ".mo")
    missing = [e.msgid for e in po.untranslated_entries()]
    if missing:
        print(f"{len(missing)} still untranslated in {po_path}:")
        for msgid in missing:
            print("  ", json.dumps(msgid, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:3])
