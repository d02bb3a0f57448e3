"""Every rule of the one import mechanism (issue 12, part 2), checked for every import: the
encodings by content, both separators, the three date forms, a record named by slug, id or
Russian or Kazakh name in any case, the true row number after blank lines, all or nothing,
the preview, the row limit, and a large file checked and imported by the task with progress.
Each import is described once below; each test runs over all of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from appeals.imports import AppealImporter
from appeals.models import Appeal
from branches.imports import RegistryImporter
from branches.models import Organisation, SocialPage
from media_reports.imports import AppearanceImporter, SubscriptionImporter
from media_reports.models import MediaAppearance, NewspaperSubscription
from publications.imports import PublicationImporter
from publications.models import Publication
from tests.media_reports.factories import OutletFactory
from tests.spreadsheet_import import admin_import
from unionportal import spreadsheets as sp
from unionportal.models import SpreadsheetUpload, UploadStatus

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Spec:
    """One import: its header, a good row (`row(n, organisation, date)`), a bad row, and
    where the rows end up."""

    name: str
    importer: type[sp.Importer]
    admin_model: str
    header: list[str]
    row: Callable[[int, str, str], list[str]]
    bad: list[str]
    stored: Callable[[], object]  # the queryset of what the rows create
    organisation_of: Callable[[object], int]
    date_of: Callable[[object], dt.date] | None = None

    def __str__(self):
        return self.name


def _local_date(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


SPECS = [
    Spec(
        "publications",
        PublicationImporter,
        "publications.publication",
        ["published_at", "title", "channel", "organisation"],
        lambda n, org, date: [date, f"Пост {n}", "facebook", org],
        ["0001-01-01", "Плохой пост", "facebook", "branch-a"],
        lambda: Publication.objects.all(),
        lambda p: p.organisation_id,
        lambda p: _local_date(p.published_at),
    ),
    Spec(
        "media appearances",
        AppearanceImporter,
        "media_reports.mediaappearance",
        ["date", "outlet", "kind", "title", "organisation"],
        lambda n, org, date: [date, "1-Карагандинский", "article", f"Статья {n}", org],
        ["0001-01-01", "1-Карагандинский", "article", "Плохая статья", "branch-a"],
        lambda: MediaAppearance.objects.all(),
        lambda a: a.organisation_id,
        lambda a: a.date,
    ),
    Spec(
        "newspaper subscriptions",
        SubscriptionImporter,
        "media_reports.newspapersubscription",
        ["organisation", "year", "outlet", "copies"],
        lambda n, org, date: [org, str(2020 + n), "Учительская газета", str(n + 1)],
        ["branch-a", "2019", "Учительская газета", "0"],
        lambda: NewspaperSubscription.objects.all(),
        lambda s: s.organisation_id,
    ),
    Spec(
        "appeals register",
        AppealImporter,
        "appeals.appeal",
        ["received_at", "channel", "topic", "organisation", "question"],
        lambda n, org, date: [date, "phone", "wages", org, f"Вопрос {n} о доплате"],
        ["0001-01-01", "phone", "wages", "branch-a", "Плохой вопрос"],
        lambda: Appeal.objects.all(),
        lambda a: a.branch_id,
        lambda a: _local_date(a.received_at),
    ),
    Spec(
        "registry, Appendix 1",
        RegistryImporter,
        "branches.organisation",
        ["branch", "instagram", "facebook"],
        lambda n, org, date: [org, f"https://www.instagram.com/branch_account_{n}/", ""],
        ["branch-a", "javascript:alert(1)", ""],
        lambda: SocialPage.objects.all(),
        lambda p: p.organisation_id,
    ),
    Spec(
        "registry, full layout",
        RegistryImporter,
        "branches.organisation",
        ["slug", "name_ru", "kind", "parent", "primary_kind", "url"],
        lambda n, org, date: [f"school-{n}", f"Школа №{n}", "primary", org, "school", f"https://www.instagram.com/school_{n}/"],
        ["bad-school", "Школа", "nonsense", "branch-a", "school", "https://www.instagram.com/bad_school/"],
        lambda: Organisation.objects.filter(kind="primary"),
        lambda o: o.parent_id,
    ),
]
DATED = [s for s in SPECS if s.date_of]


@pytest.fixture
def world(branch_a, branch_b, regional_staff):
    OutletFactory(name="1-Карагандинский")
    OutletFactory(name="Учительская газета")  # Russian, so a cp1251 file can hold it
    return {"branch_a": branch_a, "user": regional_staff}


def _file(spec: Spec, rows: list[list[str]], *, sep=",", encoding="utf-8") -> bytes:
    lines = [sep.join(spec.header), *(sep.join(cells) for cells in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _run(spec: Spec, world, content: bytes, *, commit=True) -> sp.ImportReport:
    return sp.run_import(spec.importer(user=world["user"]), content, commit=commit)


def _rows(spec: Spec, count: int, org="Филиал А", date="2024-03-01"):
    return [spec.row(n, org, date) for n in range(count)]


@pytest.mark.parametrize("spec", SPECS, ids=str)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16", "utf-16-le"])
def test_each_encoding_is_recognised_by_its_content(world, spec, encoding):
    report = _run(spec, world, _file(spec, _rows(spec, 2), encoding=encoding))
    assert report.ok, report.error_lines()
    assert [spec.organisation_of(r) for r in spec.stored()] == [world["branch_a"].pk] * 2


@pytest.mark.parametrize("spec", SPECS, ids=str)
@pytest.mark.parametrize("sep", [",", ";"])
def test_a_comma_or_a_semicolon_separates_the_columns(world, spec, sep):
    report = _run(spec, world, _file(spec, _rows(spec, 2), sep=sep))
    assert report.ok, report.error_lines()
    assert spec.stored().count() == 2


@pytest.mark.parametrize("spec", DATED, ids=str)
@pytest.mark.parametrize("cell", ["2024-03-01", "01.03.2024", "45352"])
def test_each_date_form_is_the_same_day(world, spec, cell):
    report = _run(spec, world, _file(spec, _rows(spec, 1, date=cell)))
    assert report.ok, report.error_lines()
    assert spec.date_of(spec.stored().get()) == dt.date(2024, 3, 1)


@pytest.mark.parametrize("spec", SPECS, ids=str)
@pytest.mark.parametrize("how", ["slug", "id", "Russian", "Kazakh", "RUSSIAN IN CAPITALS", "kazakh in small letters"])
def test_an_organisation_is_named_by_slug_id_or_russian_or_kazakh_name_in_any_case(world, spec, how):
    branch = world["branch_a"]
    cell = {
        "slug": branch.slug,
        "id": str(branch.pk),
        "Russian": branch.name_ru,
        "Kazakh": branch.name_kk,
        "RUSSIAN IN CAPITALS": branch.name_ru.upper(),
        "kazakh in small letters": branch.name_kk.lower(),
    }[how]
    report = _run(spec, world, _file(spec, _rows(spec, 1, org=cell)))
    assert report.ok, report.error_lines()
    assert spec.organisation_of(spec.stored().get()) == branch.pk


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_bad_row_after_blank_lines_is_named_by_its_row_in_the_file_and_nothing_is_written(world, spec):
    good = _file(spec, _rows(spec, 1)).decode().splitlines()
    bad = ",".join(spec.bad)
    # header 1, blank 2, good 3, blank 4 and 5, bad 6
    content = "\n".join([good[0], "", good[1], "", "", bad, ""]).encode()
    before = spec.stored().count()
    report = _run(spec, world, content)
    assert [issue.row for issue in report.errors] == [6], report.error_lines()
    assert report.error_lines()[0].startswith("Строка 6:")
    assert spec.stored().count() == before


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_the_preview_shows_the_rows_and_writes_nothing(world, spec):
    before = spec.stored().count()
    report = _run(spec, world, _file(spec, _rows(spec, 3)), commit=False)
    assert report.ok and not report.committed, report.error_lines()
    assert len(report.preview) == 3 and sum(report.counts.values()) >= 3
    assert spec.stored().count() == before


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_the_one_row_limit_holds_for_every_import(world, spec, settings):
    settings.SPREADSHEET_MAX_ROWS = 2
    report = _run(spec, world, _file(spec, _rows(spec, 3)))
    assert not report.ok and "2" in report.error_lines()[0]
    assert spec.stored().count() == 0


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_a_large_file_is_checked_and_imported_by_the_task_with_progress(
    world, spec, settings, django_capture_on_commit_callbacks
):
    settings.SPREADSHEET_BACKGROUND_ROWS = 2
    client = Client()
    client.force_login(world["user"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = admin_import(client, spec.admin_model, _file(spec, _rows(spec, 4)), confirm=False)
    assert b"<progress" in waiting.content
    upload = SpreadsheetUpload.objects.get()
    assert upload.status == UploadStatus.CHECK_QUEUED
    for callback in queued:
        callback()  # the task, as the worker runs it: it takes the upload's id only
    with django_capture_on_commit_callbacks(execute=True):
        client.post(waiting.request["PATH_INFO"], {"action": "confirm"})
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DONE, upload.report
    assert spec.stored().count() == 4


FORMULA = '=HYPERLINK("https://evil.example/","Открыть")'


def _formula_records(world):
    from tests.media_reports.factories import MediaAppearanceFactory, NewspaperSubscriptionFactory
    from tests.publications.factories import PublicationFactory

    branch = world["branch_a"]
    Organisation.objects.filter(pk=branch.pk).update(chair_name=FORMULA)
    PublicationFactory(organisation=branch, title=FORMULA)
    MediaAppearanceFactory(organisation=branch, title=FORMULA)
    NewspaperSubscriptionFactory(organisation=branch, outlet=OutletFactory(name=FORMULA))


@pytest.mark.parametrize(
    "address",
    [
        "/branches/registry/export/?layout=full&format={fmt}",
        "/news/staff/export.{fmt}",
        "/press/export/?format={fmt}",
        "/press/export/?dataset=subscriptions&format={fmt}",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_writes_a_formula_as_text(world, address, fmt):
    import io

    from openpyxl import load_workbook

    _formula_records(world)
    client = Client()
    client.force_login(world["user"])
    response = client.get(address.format(fmt=fmt))
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK(" in text and ',"=HYPERLINK(' not in text and "\n=HYPERLINK(" not in text
    else:
        cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
        written = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK(")]
        assert written and all(c.data_type == "s" for c in written)  # "f" would be a formula that runs
