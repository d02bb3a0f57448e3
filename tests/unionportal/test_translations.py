"""Every string a person reads is translated into Russian and Kazakh, and the compiled
catalogs that ship match their sources (a fresh clone needs no gettext)."""

import re
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


SOURCE_DIRS = ["templates", "unionportal", "accounts", "branches", "publications", "appeals", "media_reports", "giveaways", "messaging", "polls", "reports", "portal"]
TEMPLATE_STRING = re.compile(r"""{%\s*(?:translate|trans)\s+(?:"([^"]+)"|'([^']+)')(?:\s+(?:noop|as\s+\w+))?\s*%}""")
PYTHON_STRING = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*(?:"((?:[^"\\]|\\.)+)"|'((?:[^'\\]|\\.)+)')\s*[,)]""")


def _source_strings():
    found = {}
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*"):
            if "migrations" in path.parts or path.suffix not in (".html", ".txt", ".py"):
                continue
            pattern = PYTHON_STRING if path.suffix == ".py" else TEMPLATE_STRING
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                msgid = match.group(1) or match.group(2)
                if path.suffix == ".py":
                    msgid = msgid.encode().decode("unicode_escape") if "\\" in msgid else msgid
                found.setdefault(msgid, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_marked_string_is_in_a_catalog(language):
    """A string wrapped in the code but never extracted would show in English: run `make messages`."""
    known = set()
    for po_path in CATALOGS:
        if po_path.parts[-3] == language:
            known |= {e.msgid for e in polib.pofile(str(po_path)).translated_entries()}
    from django.utils import translation

    missing = []
    with translation.override(language):
        for msgid, where in _source_strings().items():
            if msgid not in known and translation.gettext(msgid) == msgid:
                missing.append(f"{where}: {msgid}")
    assert not missing, "not extracted or not translated:\n" + "\n".join(sorted(missing))
