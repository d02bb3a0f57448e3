"""Import and export of media appearances as CSV and XLSX (see docs/import-media.md).

An import is all-or-nothing: every row is checked and created inside one transaction, and
when any row is wrong nothing is kept and the message names every bad row and why. A branch
editor may import only rows of their own organisation (or its primaries).
"""

import csv
import io
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from branches.scoping import visible_organisation_ids
from media_reports.choices import AppearanceKind, Language
from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker
from media_reports.services import appearance_create, normalise_link, subscription_set
from unionportal.exceptions import ApplicationError

COLUMNS = [
    "date",
    "outlet",
    "programme",
    "kind",
    "title",
    "speakers",
    "organisation",
    "language",
    "duration_minutes",
    "link",
    "audience_estimate",
    "audience_source",
]
REQUIRED = ["date", "outlet", "kind", "title", "organisation"]
SUBSCRIPTION_COLUMNS = ["organisation", "year", "outlet", "copies"]
MAX_ROWS = 5000
# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- Export -------------------------------------------------------------------------------


def _row(appearance: MediaAppearance) -> list:
    return [
        appearance.date.isoformat(),
        appearance.outlet.name,
        appearance.programme.name if appearance.programme else "",
        appearance.kind,
        appearance.title,
        "; ".join(s.name for s in appearance.speakers.all()),
        appearance.organisation.slug,
        appearance.language,
        appearance.duration_minutes if appearance.duration_minutes is not None else "",
        appearance.link,
        appearance.audience_estimate if appearance.audience_estimate is not None else "",
        appearance.audience_source,
    ]


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_bytes(columns: list[str], rows) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Kazakh and Russian text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_bytes(columns: list[str], rows, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(queryset) -> bytes:
    return _csv_bytes(COLUMNS, (_row(a) for a in queryset.order_by("date", "pk")))


def export_xlsx(queryset) -> bytes:
    return _xlsx_bytes(COLUMNS, (_row(a) for a in queryset.order_by("date", "pk")), "appearances")


def _subscription_row(subscription: NewspaperSubscription) -> list:
    return [subscription.organisation.slug, subscription.year, subscription.outlet.name, subscription.copies]


def export_subscriptions_csv(queryset) -> bytes:
    return _csv_bytes(SUBSCRIPTION_COLUMNS, (_subscription_row(s) for s in queryset))


def export_subscriptions_xlsx(queryset) -> bytes:
    return _xlsx_bytes(SUBSCRIPTION_COLUMNS, (_subscription_row(s) for s in queryset), "subscriptions")


# --- Reading a file -----------------------------------------------------------------------


def _read_rows(file, filename: str, required: list[str] = REQUIRED) -> list[dict]:
    """The rows as dicts keyed by the lower-cased header; raises ApplicationError on an unreadable file."""
    name = (filename or "").lower()
    data = file.read()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ApplicationError(_("Upload a .csv or .xlsx file."), code="bad_format")
    rows = [r for r in rows if any(str(c).strip() for c in r if c is not None)]
    if not rows:
        raise ApplicationError(_("The file is empty."), code="empty")
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ApplicationError(
            _("The file has no column(s): %(columns)s.") % {"columns": ", ".join(missing)}, code="bad_header"
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ApplicationError(_("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS}, code="too_many")
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes every byte
        raise ApplicationError(_("The file is not UTF-8 text."), code="bad_encoding")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ApplicationError(_("The CSV file cannot be read: %(error)s") % {"error": exc}, code="bad_csv") from exc


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ApplicationError(_("The XLSX file cannot be read."), code="bad_xlsx") from exc


# --- Checking a row -----------------------------------------------------------------------


class RowError(Exception):
    pass


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo the export's guard against spreadsheet formulas.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def _date(row: dict) -> date:
    value = row.get("date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(row, "date")
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise RowError(_("the date «%(value)s» is not a date (use YYYY-MM-DD or DD.MM.YYYY)") % {"value": text})


def _choice_map(choices) -> dict[str, str]:
    """Codes and labels in every language of the portal -> code."""
    mapping = {}
    for lang in ("en", "kk", "ru"):
        with translation.override(lang):
            for value, label in choices.choices:
                mapping[str(label).strip().lower()] = value
    for value in choices.values:
        mapping[value.lower()] = value
    return mapping


def _int(row: dict, column: str, label: str) -> int | None:
    text = _text(row, column)
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise RowError(_("%(column)s «%(value)s» is not a whole number") % {"column": label, "value": text})
    return value


class _Lookups:
    """Reference data loaded once per import, so a 1,000-row file costs a handful of queries."""

    def __init__(self, user):
        from branches.models import Organisation

        self.outlets = {o.name.strip().lower(): o for o in Outlet.objects.all()}
        self.programmes = {(p.outlet_id, p.name.strip().lower()): p for p in Programme.objects.all()}
        self.speakers: dict[str, list[Speaker]] = {}
        # The speakers the user could pick in the admin: a branch editor names their own.
        for speaker in Speaker.objects.for_user(user):
            self.speakers.setdefault(speaker.name.strip().lower(), []).append(speaker)
        allowed = visible_organisation_ids(user)
        orgs = Organisation.objects.all() if allowed is None else Organisation.objects.filter(pk__in=allowed)
        self.allowed_orgs = {}
        for org in orgs:
            self.allowed_orgs[org.slug.lower()] = org
            self.allowed_orgs[org.name_ru.strip().lower()] = org
        self.kinds = _choice_map(AppearanceKind)
        self.languages = _choice_map(Language)


def _parse(row: dict, lookups: _Lookups) -> dict:
    problems = []

    def attempt(fn):
        try:
            return fn()
        except RowError as exc:
            problems.append(str(exc))
            return None

    when = attempt(lambda: _date(row))
    outlet_name = _text(row, "outlet")
    outlet = lookups.outlets.get(outlet_name.lower())
    if outlet is None:
        problems.append(_("unknown outlet «%(value)s»") % {"value": outlet_name})
    programme = None
    programme_name = _text(row, "programme")
    if programme_name and outlet is not None:
        programme = lookups.programmes.get((outlet.pk, programme_name.lower()))
        if programme is None:
            problems.append(
                _("outlet «%(outlet)s» has no programme «%(value)s»") % {"outlet": outlet.name, "value": programme_name}
            )
    kind_text = _text(row, "kind")
    kind = lookups.kinds.get(kind_text.lower())
    if kind is None:
        problems.append(_("unknown kind «%(value)s»") % {"value": kind_text})
    title = _text(row, "title")
    if not title:
        problems.append(_("the title is empty"))
    org_text = _text(row, "organisation")
    organisation = lookups.allowed_orgs.get(org_text.lower())
    if organisation is None:
        problems.append(_("organisation «%(value)s» is unknown or not yours") % {"value": org_text})
    language_text = _text(row, "language")
    language = lookups.languages.get(language_text.lower()) if language_text else Language.RUSSIAN
    if language is None:
        problems.append(_("unknown language «%(value)s»") % {"value": language_text})
    speakers = []
    for name in filter(None, (n.strip() for n in _text(row, "speakers").split(";"))):
        found = lookups.speakers.get(name.lower(), [])
        if organisation is not None and len(found) > 1:
            found = [s for s in found if s.organisation_id == organisation.pk] or found
        if len(found) != 1:
            problems.append(_("speaker «%(value)s» is unknown or ambiguous") % {"value": name})
        else:
            speakers.append(found[0])
    duration = attempt(lambda: _int(row, "duration_minutes", "duration_minutes"))
    audience = attempt(lambda: _int(row, "audience_estimate", "audience_estimate"))
    raw_link = _text(row, "link")
    link = normalise_link(raw_link)
    if link:
        try:
            URLValidator()(link)
        except ValidationError:
            problems.append(_("the link «%(value)s» is not a web address") % {"value": raw_link})
    if problems:
        raise RowError("; ".join(problems))
    return {
        "date": when,
        "outlet": outlet,
        "programme": programme,
        "kind": kind,
        "title": title,
        "organisation": organisation,
        "language": language,
        "speakers": speakers,
        "duration_minutes": duration,
        "link": link,
        "audience_estimate": audience,
        "audience_source": _text(row, "audience_source"),
    }


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def import_appearances(*, file, filename: str, user) -> list[MediaAppearance]:
    """Create every row of the file, or none; raises ApplicationError with `extra["rows"]`."""
    rows = _read_rows(file, filename)
    lookups = _Lookups(user)
    errors: list[str] = []
    created: list[MediaAppearance] = []
    seen: set[tuple] = set()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                data = _parse(row, lookups)
                key = (data["outlet"].pk, data["date"], data["title"].lower())
                if key in seen:
                    raise RowError(_("the same appearance is in the file twice"))
                seen.add(key)
                with transaction.atomic():
                    created.append(appearance_create(**data))
            except RowError as exc:
                errors.append(_("Row %(row)d: %(problem)s.") % {"row": number, "problem": exc})
            except ValidationError as exc:
                errors.append(_("Row %(row)d: %(problem)s.") % {"row": number, "problem": _validation_text(exc)})
            except ApplicationError as exc:
                errors.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": exc.message})
        if errors:
            # Leaving the block with an exception rolls back every row created so far.
            raise ApplicationError(
                _("Nothing was imported: fix the rows below and upload the file again."),
                code="bad_rows",
                extra={"rows": errors},
            )
    return created


def import_subscriptions(*, file, filename: str, user) -> list[NewspaperSubscription]:
    """Set the copies of every row (a row already recorded is corrected), or of none."""
    rows = _read_rows(file, filename, SUBSCRIPTION_COLUMNS)
    lookups = _Lookups(user)
    errors: list[str] = []
    saved: list[NewspaperSubscription] = []
    seen: set[tuple] = set()
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            problems = []
            org_text = _text(row, "organisation")
            organisation = lookups.allowed_orgs.get(org_text.lower())
            if organisation is None:
                problems.append(_("organisation «%(value)s» is unknown or not yours") % {"value": org_text})
            outlet_name = _text(row, "outlet")
            outlet = lookups.outlets.get(outlet_name.lower())
            if outlet is None:
                problems.append(_("unknown outlet «%(value)s»") % {"value": outlet_name})
            year = copies = None
            try:
                year = _int(row, "year", "year")
                if year is None or not 1990 <= year <= 2100:
                    raise RowError(_("year «%(value)s» is not a year") % {"value": _text(row, "year")})
            except RowError as exc:
                problems.append(str(exc))
            try:
                copies = _int(row, "copies", "copies")
                if not copies:
                    raise RowError(_("copies must be a whole number above zero"))
            except RowError as exc:
                problems.append(str(exc))
            if not problems:
                key = (organisation.pk, year, outlet.pk)
                if key in seen:
                    problems.append(_("the same subscription is in the file twice"))
                seen.add(key)
            if not problems:
                try:
                    with transaction.atomic():
                        saved.append(subscription_set(organisation=organisation, year=year, outlet=outlet, copies=copies))
                except ValidationError as exc:
                    problems.append(_validation_text(exc))
            if problems:
                errors.append(_("Row %(row)d: %(problem)s.") % {"row": number, "problem": "; ".join(problems)})
        if errors:
            raise ApplicationError(
                _("Nothing was imported: fix the rows below and upload the file again."),
                code="bad_rows",
                extra={"rows": errors},
            )
    return saved
