"""Import and export of the publications log as CSV and XLSX (columns: docs/import-publications.md).

An import is all-or-nothing: every row is checked, and when any row is bad nothing is
saved and the error names each bad row (its line in the file) and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Organisation, SocialPage
from publications.choices import Channel, Language
from publications.models import Rubric, Topic
from publications.services import normalise_url, publication_create
from unionportal.exceptions import ApplicationError

COLUMNS = [
    "published_at",
    "title",
    "text",
    "channel",
    "organisation",
    "social_page",
    "rubric",
    "topics",
    "language",
    "url",
    "views",
    "likes",
    "comments",
    "shares",
]
REQUIRED = ["published_at", "title", "channel", "organisation"]
MAX_ROWS = 20_000
# A spreadsheet runs a cell that starts with one of these (tab and CR too, OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d", "%d.%m.%Y"]


@dataclass
class ImportResult:
    created: int


class ImportFailed(ApplicationError):
    """The file was refused; `errors` lists "row N: why" for every bad row."""

    def __init__(self, message, errors: list[str]):
        super().__init__(message, code="import_failed", extra={"errors": errors})
        self.errors = errors


def read_rows(uploaded) -> list[dict]:
    """Rows of a CSV or XLSX file as {column: text}; the first row names the columns."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as exc:
            raise ImportFailed(_("The file is neither UTF-8 nor Windows-1251 text."), []) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        # A cell over the csv module's size limit, a stray NUL …: a message, not a 500.
        raise ImportFailed(_("The CSV file cannot be read: %(error)s") % {"error": exc}, []) from exc
    return _rows_from(rows)


def _read_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ImportFailed(_("The file is not a readable XLSX workbook."), []) from exc
    try:
        # read_only parses the sheet while iterating: a damaged sheet fails here, not on opening.
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds
        raise ImportFailed(_("The file is not a readable XLSX workbook."), []) from exc
    finally:
        workbook.close()
    return _rows_from(rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the quote the export puts before a would-be formula, so an export imports back.
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _rows_from(raw: list[list]) -> list[dict]:
    if not raw:
        raise ImportFailed(_("The file is empty."), [])
    header = [_cell(h).lower() for h in raw[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}, [])
    if len(raw) - 1 > MAX_ROWS:
        raise ImportFailed(_("Too many rows: at most %(max)s at once.") % {"max": MAX_ROWS}, [])
    rows = []
    for values in raw[1:]:
        cells = [_cell(v) for v in values]
        if not any(cells):
            rows.append(None)  # an empty line keeps its number but is skipped
            continue
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name})
    return rows


def _parse_datetime(value: str) -> dt.datetime:
    for fmt in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware (Almaty) just below
        except ValueError:
            continue
        if fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            parsed = parsed.replace(hour=12)
        return timezone.make_aware(parsed)
    raise ValueError(_("date “%(value)s” is not YYYY-MM-DD or YYYY-MM-DD HH:MM") % {"value": value})


def _parse_count(value: str, column: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value.replace(" ", ""))
    except ValueError:
        raise ValueError(
            _("%(column)s “%(value)s” is not a whole number") % {"column": column, "value": value}
        ) from None
    if number < 0:
        raise ValueError(_("%(column)s cannot be negative") % {"column": column})
    return number


class _Lookups:
    """Reference data read once per import, so a file of thousands of rows makes few queries."""

    def __init__(self):
        self.organisations = {o.slug: o for o in Organisation.objects.all()}
        self.rubrics = {}
        for rubric in Rubric.objects.all():
            self.rubrics[rubric.slug.lower()] = rubric
            self.rubrics[rubric.name.strip().lower()] = rubric
        self.topics = {t.slug: t for t in Topic.objects.all()}


def _row_fields(row: dict, lookups: _Lookups) -> tuple[dict, list[str]]:
    problems: list[str] = []
    fields: dict = {}
    for column in REQUIRED:
        if not row.get(column):
            problems.append(_("%(column)s is empty") % {"column": column})
    if row.get("published_at"):
        try:
            fields["published_at"] = _parse_datetime(row["published_at"])
        except ValueError as exc:
            problems.append(str(exc))
    fields["title"] = row.get("title", "")
    fields["text"] = row.get("text", "")
    channel = row.get("channel", "").lower()
    if channel:
        if channel in Channel.values:
            fields["channel"] = channel
        else:
            problems.append(_("unknown channel “%(value)s”") % {"value": row["channel"]})
    slug = row.get("organisation", "")
    if slug:
        organisation = lookups.organisations.get(slug)
        if organisation is None:
            problems.append(_("unknown organisation “%(value)s”") % {"value": slug})
        fields["organisation"] = organisation
    if row.get("social_page"):
        page_url = normalise_url(row["social_page"])
        page = (
            SocialPage.objects.filter(url=page_url).first() or SocialPage.objects.filter(url=row["social_page"]).first()
        )
        if page is None:
            problems.append(_("no page in the registry at “%(value)s”") % {"value": row["social_page"]})
        fields["social_page"] = page
    if row.get("rubric"):
        rubric = lookups.rubrics.get(row["rubric"].strip().lower())
        if rubric is None:
            problems.append(_("unknown rubric “%(value)s”") % {"value": row["rubric"]})
        fields["rubric"] = rubric
    topics = []
    for slug in filter(None, (t.strip() for t in row.get("topics", "").replace(",", ";").split(";"))):
        topic = lookups.topics.get(slug)
        if topic is None:
            problems.append(_("unknown topic “%(value)s”") % {"value": slug})
        else:
            topics.append(topic)
    fields["topics"] = topics
    language = (row.get("language") or Language.RU).lower()
    if language in Language.values:
        fields["language"] = language
    else:
        problems.append(_("unknown language “%(value)s” (ru, kk or both)") % {"value": row["language"]})
    fields["url"] = row.get("url", "")
    for column in ("views", "likes", "comments", "shares"):
        try:
            fields[column] = _parse_count(row.get(column, ""), column)
        except ValueError as exc:
            problems.append(str(exc))
    return fields, problems


@transaction.atomic
def import_publications(uploaded, *, user=None) -> ImportResult:
    """Create a publication per row, or nothing at all. Raises ImportFailed naming bad rows."""
    rows = read_rows(uploaded)
    lookups = _Lookups()
    errors: list[str] = []
    seen: dict[str, int] = {}
    created = 0
    for offset, row in enumerate(rows):
        line = offset + 2  # the header is line 1
        if row is None:
            continue
        fields, problems = _row_fields(row, lookups)
        url = normalise_url(fields.get("url", ""))
        if url and url in seen:
            problems.append(_("the same link as row %(row)s") % {"row": seen[url]})
        elif url:
            seen[url] = line
        if not problems:
            try:
                with transaction.atomic():
                    publication_create(user=user, **fields)
                    created += 1
            except ApplicationError as exc:
                problems.append(_strip_tags(str(exc.message)))
            except ValidationError as exc:
                problems.extend(
                    f"{k}: {' '.join(map(str, v))}" for k, v in getattr(exc, "message_dict", {"": exc.messages}).items()
                )
        if problems:
            errors.append(_("row %(row)s: %(problems)s") % {"row": line, "problems": "; ".join(problems)})
    if errors:
        transaction.set_rollback(True)
        raise ImportFailed(_("Nothing was imported: %(count)s bad rows.") % {"count": len(errors)}, errors)
    if not created:
        raise ImportFailed(_("The file has no rows."), [])
    return ImportResult(created=created)


def _strip_tags(text: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(text)


# --- Export ----------------------------------------------------------------------------


def export_rows(queryset):
    """Rows for export in the import's columns, so an export can be edited and imported back."""
    qs = (
        queryset.select_related("organisation", "social_page", "rubric")
        .prefetch_related("topics")
        .order_by("published_at", "id")
    )
    yield COLUMNS
    for p in qs.iterator(chunk_size=2000):
        yield [
            timezone.localtime(p.published_at).strftime("%Y-%m-%d %H:%M"),
            p.title,
            p.text,
            p.channel,
            p.organisation.slug,
            p.social_page.url if p.social_page_id else "",
            p.rubric.slug if p.rubric_id else "",
            ";".join(t.slug for t in p.topics.all()),
            p.language,
            p.url,
            *["" if v is None else v for v in (p.views, p.likes, p.comments, p.shares)],
        ]


def export_csv(queryset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in export_rows(queryset):
        writer.writerow([_safe_cell(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(queryset) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("publications")
    for row in export_rows(queryset):
        sheet.append([_safe_cell(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _safe_cell(value):
    """Text starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
