"""Import and export of the registry as CSV and XLSX (see docs/import-branches.md).

Two layouts:
- "appendix": Appendix 1 of the report — branch, Instagram, Facebook — one row per branch;
- "full": one row per social page with the organisation's details (an organisation without
  pages has one row with empty platform and link).

An import is all-or-nothing: every row is checked first, then everything is written in one
transaction through the same services as the admin (links are normalised and their problems
flagged); when any row is wrong nothing is kept and the message names every bad row and why.
"""

import csv
import io
import re

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from branches.choices import OrganisationKind, Platform, PrimaryKind
from branches.models import Organisation, SocialPage
from branches.normalise import normalise_social_url
from branches.services import social_page_save
from unionportal.exceptions import ApplicationError, DuplicateError

APPENDIX_COLUMNS = ["branch", "instagram", "facebook"]
FULL_COLUMNS = [
    "slug", "name_ru", "name_kk", "kind", "parent", "primary_kind", "member_count", "chair", "phone", "email",
    "platform", "url", "official", "original_url", "handle", "link_kind", "problems", "link_status", "checked_at",
]
# Read by the import; the others are written by the export for people to read.
FULL_IMPORTED = FULL_COLUMNS[:12]
HEADER_ALIASES = {
    "branch": "branch", "филиал": "branch", "организация": "branch", "наименование": "branch", "ұйым": "branch",
    "name": "branch", "organisation": "branch",
    "instagram": "instagram", "инстаграм": "instagram",
    "facebook": "facebook", "фейсбук": "facebook",
}
MAX_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Reading ------------------------------------------------------------------------------


def read_rows(*, content: bytes, filename: str) -> list[list[str]]:
    """The cells of a CSV or XLSX file as text, the header row included."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("The file is not readable text (UTF-8 or Windows-1251)."), code="encoding")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        # A cell over the csv module's size limit, a stray NUL …: a message, not a 500.
        raise ApplicationError(_("The CSV file cannot be read: %(error)s") % {"error": exc}, code="csv") from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken zip, missing parts, bad XML (ParseError) …
        raise ApplicationError(_("The file is not a readable XLSX workbook."), code="xlsx") from exc
    rows = []
    try:
        # read_only parses the sheet while iterating: a damaged sheet fails here, not on opening.
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(["" if v is None else str(v).strip() for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except Exception as exc:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds
        raise ApplicationError(_("The file is not a readable XLSX workbook."), code="xlsx") from exc
    finally:
        workbook.close()
    return rows


# --- Importing ----------------------------------------------------------------------------


def import_registry(*, content: bytes, filename: str) -> dict[str, int]:
    """Import a file in either layout (told apart by its header). Returns counts."""
    rows = [r for r in read_rows(content=content, filename=filename) if any(cell for cell in r)]
    if not rows:
        raise ApplicationError(_("The file is empty."), code="empty")
    if len(rows) > MAX_ROWS + 1:
        raise ApplicationError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS}, code="too_many_rows")
    header = [_header_key(cell) for cell in rows[0]]
    if "slug" in header and "url" in header:
        return _import_full(header, rows[1:])
    if "instagram" in header or "facebook" in header:
        return _import_appendix(header, rows[1:])
    raise ApplicationError(
        _("The first row must name the columns: branch, Instagram, Facebook (or the full layout's slug, name_ru, …, url)."),
        code="header",
    )


def _header_key(cell: str) -> str:
    text = cell.strip().lower()
    if text in FULL_COLUMNS:
        return text
    for alias, key in HEADER_ALIASES.items():
        if text.startswith(alias):
            return key
    return text


def _fail(errors: list[str]):
    raise ApplicationError(
        _("Nothing was imported. Correct these rows and try again:") + " " + " ".join(errors),
        code="invalid_rows",
        extra={"rows": errors},
    )


def _row_error(number: int, message: str) -> str:
    return _("Row %(row)s: %(error)s") % {"row": number, "error": message}


GENERIC_WORDS = {"профс", "район", "город", "локал", "облас", "им", "г", "кәсіп", "аудан", "қалал", "ат", "қ"}


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", " ", name.lower().replace("ё", "е")).strip()


def _stems(name: str) -> set[str]:
    return {word[:5] for word in _name_key(name).split() if len(word) >= 2}


class _OrganisationFinder:
    """Finds an organisation by slug, by exact name, or by the words that tell it apart.

    The report writes «Областной профсоюз» and «Локальный профсоюз г.Балхаш» where the
    registry holds fuller names; the distinguishing words (Балхаш, Казыбек …) still match.
    """

    def __init__(self):
        self.organisations = list(Organisation.objects.exclude(kind=OrganisationKind.PRIMARY))

    def find(self, name: str) -> Organisation | None:
        key = _name_key(name)
        for org in self.organisations:
            if name == org.slug or key in (_name_key(org.name_ru), _name_key(org.name_kk)):
                return org
        if "област" in key or "облыс" in key:
            regional = [o for o in self.organisations if o.kind == OrganisationKind.REGIONAL]
            return regional[0] if len(regional) == 1 else None
        wanted = _stems(name) - GENERIC_WORDS
        if not wanted:
            return None
        found = [o for o in self.organisations if wanted <= (_stems(o.name_ru) | _stems(o.name_kk))]
        return found[0] if len(found) == 1 else None

    def add(self, org: Organisation) -> None:
        self.organisations.append(org)


CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
     "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia", "a", "g", "k", "n", "o", "u", "u", "h", "i"],
    strict=True,
))


def _slug_for(name: str) -> str:
    latin = "".join(CYRILLIC.get(ch, ch) for ch in name.lower())
    base = slugify(latin)[:80] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _is_regional_name(name: str) -> bool:
    key = _name_key(name)
    return "област" in key or "облыс" in key


@transaction.atomic
def _import_appendix(header: list[str], rows: list[list[str]]) -> dict[str, int]:
    if "branch" not in header:
        raise ApplicationError(_("The file has no branch column."), code="header")
    col = {key: header.index(key) for key in APPENDIX_COLUMNS if key in header}
    finder = _OrganisationFinder()
    errors: list[str] = []
    planned = []
    for number, row in enumerate(rows, start=2):
        cells = {key: (row[i] if i < len(row) else "") for key, i in col.items()}
        name = cells.get("branch", "")
        if not name:
            errors.append(_row_error(number, _("the branch is empty.")))
            continue
        links = []
        for platform in (Platform.INSTAGRAM, Platform.FACEBOOK):
            raw = cells.get(platform.value, "")
            if not raw:
                continue
            try:
                normalise_social_url(raw, platform)
            except ApplicationError as exc:
                errors.append(_row_error(number, exc.message))
                continue
            links.append((platform, raw))
        planned.append((number, name, links))
    if errors:
        _fail(errors)
    counts = {"organisations_created": 0, "pages_created": 0, "pages_unchanged": 0}
    regional = next((o for o in finder.organisations if o.kind == OrganisationKind.REGIONAL), None)
    for number, name, links in planned:
        org = finder.find(name)
        if org is None:
            is_regional = _is_regional_name(name) and regional is None
            if not is_regional and regional is None:
                errors.append(_row_error(number, _("there is no regional organisation yet; put it in the first row.")))
                continue
            org = Organisation.objects.create(
                kind=OrganisationKind.REGIONAL if is_regional else OrganisationKind.BRANCH,
                parent=None if is_regional else regional,
                name_ru=name,
                slug=_slug_for(name),
                position=number - 1,
            )
            finder.add(org)
            counts["organisations_created"] += 1
            if is_regional:
                regional = org
        for platform, raw in links:
            counts[_save_page(org, platform, raw, number, errors)] += 1
    if errors:
        _fail(errors)
    return counts


def _save_page(org, platform, raw, number, errors, is_official=None) -> str:
    link = normalise_social_url(raw, platform)
    if SocialPage.objects.filter(organisation=org, platform=link.platform, url=link.url).exists():
        return "pages_unchanged"
    try:
        social_page_save(organisation=org, url=raw, platform=platform, is_official=is_official)
    except DuplicateError:
        return "pages_unchanged"
    except ApplicationError as exc:
        errors.append(_row_error(number, exc.message))
        return "pages_unchanged"
    return "pages_created"


def _truthy(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("", "-"):
        return None
    if value in ("1", "yes", "true", "да", "иә", "y", "+"):
        return True
    if value in ("0", "no", "false", "нет", "жоқ", "n"):
        return False
    raise ValueError(value)


@transaction.atomic
def _import_full(header: list[str], rows: list[list[str]]) -> dict[str, int]:
    col = {key: header.index(key) for key in FULL_IMPORTED if key in header}
    errors: list[str] = []
    planned = []
    slugs_in_file = set()
    for number, row in enumerate(rows, start=2):
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in col.items()}
        problems = []
        if not cells.get("slug"):
            problems.append(_("the slug is empty."))
        elif slugify(cells["slug"]) != cells["slug"]:
            problems.append(_("the slug “%(slug)s” may hold only Latin letters, digits and hyphens.") % {"slug": cells["slug"]})
        kind = cells.get("kind") or OrganisationKind.BRANCH
        if kind not in OrganisationKind.values:
            problems.append(_("unknown kind “%(value)s”.") % {"value": kind})
        if cells.get("primary_kind") and cells["primary_kind"] not in PrimaryKind.values:
            problems.append(_("unknown type of primary organisation “%(value)s”.") % {"value": cells["primary_kind"]})
        if cells.get("member_count") and not cells["member_count"].isdigit():
            problems.append(_("members must be a whole number."))
        platform = cells.get("platform", "").lower()
        if platform and platform not in Platform.values:
            problems.append(_("unknown platform “%(value)s”.") % {"value": cells["platform"]})
        if cells.get("url"):
            try:
                normalise_social_url(cells["url"], platform or None)
            except ApplicationError as exc:
                problems.append(exc.message)
        try:
            cells["official"] = _truthy(cells.get("official", ""))
        except ValueError:
            problems.append(_("official must be yes or no."))
        parent = cells.get("parent", "")
        if kind != OrganisationKind.REGIONAL and cells.get("slug") and not parent:
            if not Organisation.objects.filter(slug=cells["slug"]).exists():
                problems.append(_("a branch or primary organisation needs a parent."))
        if parent and parent not in slugs_in_file and not Organisation.objects.filter(slug=parent).exists():
            problems.append(_("the parent “%(slug)s” is neither in the registry nor in an earlier row.") % {"slug": parent})
        if not cells.get("name_ru") and cells.get("slug") and not Organisation.objects.filter(slug=cells["slug"]).exists():
            problems.append(_("a new organisation needs a Russian name."))
        if problems:
            errors.extend(_row_error(number, p) for p in problems)
            continue
        slugs_in_file.add(cells["slug"])
        planned.append((number, cells, kind, platform))
    if errors:
        _fail(errors)
    counts = {"organisations_created": 0, "organisations_updated": 0, "pages_created": 0, "pages_unchanged": 0}
    seen = set()
    for number, cells, kind, platform in planned:
        org = Organisation.objects.filter(slug=cells["slug"]).first()
        if cells["slug"] not in seen:
            seen.add(cells["slug"])
            fields = {
                "kind": kind,
                "parent": Organisation.objects.filter(slug=cells["parent"]).first() if cells.get("parent") else None,
                "name_ru": cells.get("name_ru", ""),
                "name_kk": cells.get("name_kk", ""),
                "primary_kind": cells.get("primary_kind", ""),
                "member_count": int(cells["member_count"]) if cells.get("member_count") else None,
                "chair_name": cells.get("chair", ""),
                "phone": cells.get("phone", ""),
                "email": cells.get("email", ""),
            }
            if org is None:
                org = Organisation(slug=cells["slug"], position=Organisation.objects.count() + 1)
                counts["organisations_created"] += 1
            else:
                # Blank cells keep what the registry holds: an export edited in part stays safe.
                fields = {k: v for k, v in fields.items() if v not in ("", None)}
                counts["organisations_updated"] += 1
            for key, value in fields.items():
                setattr(org, key, value)
            try:
                org.full_clean()
            except Exception as exc:  # noqa: BLE001 - every validation error becomes a row message
                messages = getattr(exc, "messages", [str(exc)])
                errors.append(_row_error(number, " ".join(messages)))
                continue
            org.save()
        if cells.get("url"):
            counts[_save_page(org, platform or None, cells["url"], number, errors, cells["official"])] += 1
    if errors:
        _fail(errors)
    return counts


# --- Exporting ----------------------------------------------------------------------------


def _safe_cell(value):
    """A cell that starts like a formula is written as text, so a spreadsheet never runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(*, organisations, layout: str) -> list[list]:
    """Rows (header first) of the registry in `layout` ("appendix" or "full")."""
    organisations = list(organisations.select_related("parent").prefetch_related("social_pages"))
    if layout == "appendix":
        rows = [APPENDIX_COLUMNS]
        for org in organisations:
            if org.kind == OrganisationKind.PRIMARY:
                continue
            pages = list(org.social_pages.all())
            first = {p: next((s.url for s in pages if s.platform == p), "") for p in (Platform.INSTAGRAM, Platform.FACEBOOK)}
            rows.append([org.name_ru, first[Platform.INSTAGRAM], first[Platform.FACEBOOK]])
        return rows
    rows = [FULL_COLUMNS]
    for org in organisations:
        base = [
            org.slug, org.name_ru, org.name_kk, org.kind, org.parent.slug if org.parent else "", org.primary_kind,
            org.member_count if org.member_count is not None else "", org.chair_name, org.phone, org.email,
        ]
        pages = list(org.social_pages.all())
        if not pages:
            rows.append(base + [""] * (len(FULL_COLUMNS) - len(base)))
        for page in pages:
            rows.append(base + [
                page.platform, page.url, "yes" if page.is_official else "no", page.original_url, page.handle, page.kind,
                "; ".join(str(p.label) for p in page.problems), page.link_status_code or page.link_error,
                page.link_checked_at.isoformat() if page.link_checked_at else "",
            ])
    return rows


def export_csv(rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Kazakh and Russian text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registry"))
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
