"""Every string a person reads is translated into Russian and Kazakh, and the compiled
catalogs that ship match their sources (a fresh clone needs no gettext)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("**/locale/*/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_there_are_catalogs_for_russian_and_kazakh():
    languages = {p.parts[-3] for p in CATALOGS}
    assert {"ru", "kk"} <= languages


@pytest.mark.parametrize("po_path", [p for p in CATALOGS if p.parts[-3] in ("ru", "kk")], ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make messages` to compile {po_path}"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(mo_path))
    wanted = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in po.translated_entries()}
    shipped = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in mo if e.msgid}
    assert wanted == shipped, f"{mo_path.name} is stale: run `make messages`"
