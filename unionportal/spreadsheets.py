"""The one mechanism for CSV and XLSX files: every import reads, checks and saves through it,
every export writes through it.

Why not django-import-export: it reads through tablib, which drops blank CSV lines (so an
error names the wrong row) and takes the encoding from a setting rather than the content;
it runs imports inside the request (its maintainers keep background imports out of it); and
its resources save model instances directly, where our imports must call the apps' services.
Bending it to these rules would mean overriding its reading, its row numbering, its saving
and its admin views, so this module is written on the csv module and openpyxl instead (both
already in use). See docs/import.md.

Reading (every import)
    `read_table(content, columns=[Column(...), ...]) -> Table`
    - XLSX is recognised by content (a zip), not by the file name; the first sheet is read in
      read-only mode and the workbook is always closed;
    - text is UTF-8 with or without BOM, UTF-16 (with a BOM, or recognised by its zero bytes)
      or Windows-1251; the separator is `,`, `;` or a tab, whichever the header row uses;
    - `Row.number` is the row as a spreadsheet shows it (the header is row 1), blank rows
      and rows with quoted line breaks included; blank rows are skipped but counted;
    - at most `settings.SPREADSHEET_MAX_ROWS` data rows (the one row limit of every import);
    - every cell of a known column is refused when it holds a control character (tab and
      line breaks only in columns declared `multiline`), and a CSV cell over the csv
      module's size limit is an error naming its row, not a 500.
    A file that cannot be read at all raises `SpreadsheetError` (a message for the user).
    Readers with their own rules use `numbered_rows(content)` / `numbered_text_rows(text)`
    (every row with its number) or `file_text(content)` (a text or XLSX upload as text).

Cells (inside `Importer.check_row`)
    `row.text(key)` the cell as stripped text ("" when absent; a quote the export put before
    a would-be formula is removed again); `row.parse(key, parser)` runs a parser and, when it
    raises `CellError`, records "column: why" on the row and returns None; `row.problem(msg)`
    records a problem of the row as a whole. Parsers: `parse_date` (2024-03-01, 01.03.2024,
    an Excel date cell or serial number; in the sane range of unionportal/validators.py),
    `parse_datetime` (the same, with an optional HH:MM, Asia/Almaty; a date alone is noon),
    `parse_int`, `parse_bool`, `parse_url`, `parse_choice`, and `NameIndex(...).find` for a
    row named by its id, slug, or Russian or Kazakh name, case-insensitively (`fold_name`
    is that comparison, `cell_text` a raw value as text).

Importing
    Subclass `Importer` (its `name`, `columns`, `check_row`, `save_row`, optionally
    `preview_headers`/`preview_row`, `for_header`), decorate it with `@register`, then
    `run_import(importer, content, commit=False|True) -> ImportReport`. Every row is checked
    first; then every row is saved inside one transaction through the app's services
    (`save_row` returns the name of a counter, e.g. "created"); any error (a check, or an
    `ApplicationError`/`ValidationError` from a service) names its row, and then nothing is
    kept. With `commit=False` (the preview) the same saves run and are rolled back, so the
    preview sees what the real import will meet. `ImportReport` holds `errors`
    (`RowIssue(row, messages)`), `counts`, and the preview's first rows.
    The admin side (upload, preview, confirm, a Celery task with progress for large files)
    is `unionportal/spreadsheet_admin.py`; the task takes the stored upload's id only.

Writing (every export)
    `write_csv(headers, rows) -> bytes` (UTF-8 with a BOM, for Excel) and
    `write_xlsx({sheet_title: (headers, rows)}, ...) -> bytes`; `append_xlsx_row(sheet, values)`
    for a workbook built by hand (the report's figures). In CSV a text starting like a
    formula (= + - @ tab CR) gets a leading `'` (`safe_cell`); in XLSX every text cell is
    typed as text, so it shows as written and never runs; control characters (which XLSX
    cannot hold) are dropped from both, so stored data never breaks or runs in an export.
    `spreadsheet_response(...)` wraps either in a download.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.exceptions import ApplicationError
from unionportal.validators import control_character, sane_years, validate_sane_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Spreadsheet programs run a cell starting with one of these as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREVIEW_ROWS = 50
PROGRESS_EVERY = 200


def max_rows() -> int:
    return getattr(settings, "SPREADSHEET_MAX_ROWS", 20_000)


class SpreadsheetError(ApplicationError):
    """The file as a whole cannot be imported (unreadable, no header, too many rows …)."""

    def __init__(self, message, *, code: str = "spreadsheet"):
        super().__init__(message, code=code)


class CellError(Exception):
    """A cell's value is wrong; the message (translated) says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key, the label people see, the header texts that name it."""

    key: str
    label: Any = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    multiline: bool = False

    def names(self) -> set[str]:
        return {_header_key(self.key), *(_header_key(a) for a in self.aliases)}

    @property
    def title(self) -> str:
        return str(self.label or self.key)


def _header_key(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().casefold().replace("ё", "е")
    return re.sub(r"[\s_]+", "_", text)


@dataclass
class Row:
    """One data row: `number` as a spreadsheet shows it, `values` by column key."""

    number: int
    values: dict[str, Any]
    columns: dict[str, Column]
    problems: list[str] = field(default_factory=list)

    def text(self, key: str) -> str:
        return _cell_text(self.values.get(key))

    def raw(self, key: str):
        return self.values.get(key)

    def parse(self, key: str, parser: Callable, *args, **kwargs):
        """The parsed cell, or None with "column: why" recorded when the parser refuses it."""
        value = self.values.get(key)
        try:
            return parser(value, *args, **kwargs)
        except CellError as exc:
            self.problem(_("%(column)s: %(problem)s") % {"column": self._label(key), "problem": exc.message})
            return None

    def problem(self, message) -> None:
        self.problems.append(str(message))

    def _label(self, key: str) -> str:
        column = self.columns.get(key)
        return column.title if column else key


@dataclass
class Table:
    header: list[str]
    keys: list[str | None]
    rows: list[Row]


def read_table(content: bytes, *, columns: Sequence[Column]) -> Table:
    """The data rows of a CSV or XLSX file, keyed by the columns its header row names."""
    raw_rows = _raw_rows(content)
    limit = max_rows()
    header: list | None = None
    rows: list[Row] = []
    by_key = {c.key: c for c in columns}
    keys: list[str | None] = []
    for number, cells in raw_rows:
        if not any(isinstance(c, _CellTooLarge) or _cell_text(c) for c in cells):
            continue
        if header is None:
            header = [_cell_text(c) for c in cells]
            keys = _match_header(header, columns)
            missing = [c.title for c in columns if c.required and c.key not in keys]
            if missing:
                raise SpreadsheetError(
                    _("Row %(row)s must name the columns; missing: %(columns)s.")
                    % {"row": number, "columns": ", ".join(missing)},
                    code="header",
                )
            continue
        if len(rows) >= limit:
            raise SpreadsheetError(
                _("The file has more than %(max)s rows; split it and import the parts.") % {"max": limit},
                code="too_many_rows",
            )
        values = {}
        row = Row(number=number, values=values, columns=by_key)
        for index, key in enumerate(keys):
            if key is None or key in values:
                continue
            value = cells[index] if index < len(cells) else None
            if isinstance(value, _CellTooLarge):
                row.problem(
                    _("%(column)s: the cell is longer than %(max)s characters.")
                    % {"column": by_key[key].title, "max": value.limit}
                )
                value = None
            elif isinstance(value, str) and (char := control_character(value, multiline=by_key[key].multiline)):
                # The value is kept, so the row's other problems are found too; a row with a
                # problem is never saved.
                row.problem(
                    _("%(column)s: the cell holds a control character (U+%(code)04X) that is not allowed.")
                    % {"column": by_key[key].title, "code": ord(char)}
                )
            values[key] = value
        rows.append(row)
    if header is None:
        raise SpreadsheetError(_("The file is empty."), code="empty")
    return Table(header=header, keys=keys, rows=rows)


def numbered_rows(content: bytes) -> list[tuple[int, list[str]]]:
    """Every row of a CSV or XLSX file as text with its number, blank rows included: for
    readers with their own rules (the giveaways' comment export). A cell over the csv
    module's limit reads as None."""
    return [(n, [None if isinstance(c, _CellTooLarge) else _cell_text(c) for c in cells]) for n, cells in _raw_rows(content)]


def numbered_text_rows(text: str) -> list[tuple[int, list[str | None]]]:
    """The same for CSV text already decoded (pasted into a form)."""
    return [(n, [None if isinstance(c, _CellTooLarge) else c for c in cells]) for n, cells in _csv_rows(text)]


def file_text(content: bytes) -> str:
    """An uploaded text or spreadsheet file as text: CSV/TXT decoded by content, an XLSX
    sheet turned into CSV (its blank rows kept, so rows keep their numbers)."""
    if content[:4] != b"PK\x03\x04":
        return decode_text(content)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for _number, cells in numbered_rows(content):
        writer.writerow(["" if c is None else c for c in cells] if any(cells) else [])
    return out.getvalue()


def _match_header(header: list[str], columns: Sequence[Column]) -> list[str | None]:
    """The column key of each header cell: an exact name first, then a name it starts with
    («Наименование филиала» is the branch column)."""
    names = {name: c.key for c in columns for name in c.names()}
    keys: list[str | None] = []
    for text in header:
        key = _header_key(text)
        found = names.get(key)
        if found is None:
            found = next(
                (k for name, k in names.items() if len(name) >= 4 and key.startswith(name) and k not in keys), None
            )
        keys.append(found if found not in keys else None)
    return keys


def _raw_rows(content: bytes) -> Iterable[tuple[int, list]]:
    if not content:
        raise SpreadsheetError(_("The file is empty."), code="empty")
    if content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SpreadsheetError(
            _("This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again."), code="xls"
        )
    return _csv_rows(decode_text(content))


def estimate_rows(content: bytes) -> int:
    """Roughly how many rows a file holds, without reading it all (decides task or request)."""
    if content[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True)
        except Exception:  # noqa: BLE001 - an unreadable file is reported by the check itself
            return 0
        try:
            return workbook.worksheets[0].max_row or 0
        except Exception:  # noqa: BLE001 - the same
            return 0
        finally:
            workbook.close()
    return content.count(b"\n")


def decode_text(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), UTF-16 (BOM, or told by its zero bytes)
    or Windows-1251, recognised by content."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        sample = content[:4096]
        even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
        # Cyrillic or Latin text in UTF-16 has a zero in every other byte; UTF-8 has none.
        if odd_zeros > len(sample) // 4 and odd_zeros > even_zeros:
            encodings = ["utf-16-le"]
        elif even_zeros > len(sample) // 4:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8", "cp1251"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("The file is not readable text: save it as CSV in UTF-8 (or Windows-1251), or as XLSX."), code="encoding"
    )


@dataclass(frozen=True)
class _CellTooLarge:
    limit: int


def _csv_rows(text: str) -> Iterable[tuple[int, list]]:
    text = text.lstrip("\ufeff")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    limit = csv.field_size_limit()
    # newline="" keeps line breaks inside quoted cells as the csv module expects.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module refuses a cell over its size limit (and, seldom, a broken quote);
            # the row is named and the rest of the file is still read.
            if "field larger" in str(exc):
                yield number, [_CellTooLarge(limit)]
                continue
            raise SpreadsheetError(
                _("Row %(row)s cannot be read as CSV: check its quotes.") % {"row": number}, code="csv"
            ) from exc
        yield number, cells


def _xlsx_rows(content: bytes) -> Iterable[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken zip, missing parts, bad XML …
        raise SpreadsheetError(_("The file is not a readable XLSX workbook."), code="xlsx") from exc
    rows = []
    try:
        sheet = workbook.worksheets[0]
        # A workbook may declare a wrong size; read what is there instead.
        sheet.reset_dimensions()
        # read_only parses while iterating (a damaged sheet fails here); missing rows come
        # back empty, so the count is the row number a spreadsheet shows.
        limit = max_rows() + 2
        data_rows = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(values)
            rows.append((number, values))
            if any(v not in (None, "") for v in values):
                data_rows += 1
                if data_rows > limit:
                    break
    except Exception as exc:  # noqa: BLE001 - openpyxl and its XML parser raise many kinds
        raise SpreadsheetError(_("The file is not a readable XLSX workbook."), code="xlsx") from exc
    finally:
        workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None or isinstance(value, _CellTooLarge):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Undo the quote the export puts before a would-be formula, so an export imports back.
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


# --- Parsers of cells ---------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RE = re.compile(r"^\d{4,6}(?:\.\d+)?$", re.ASCII)
_INT_RE = re.compile(r"^[+-]?\d+$", re.ASCII)
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)


def _in_range(value: dt.date) -> dt.date:
    try:
        validate_sane_date(value)
    except ValidationError:
        first, last = sane_years()
        raise CellError(
            _("the date %(value)s is not between %(first)s and %(last)s") % {"value": value, "first": first, "last": last}
        ) from None
    return value


def _split_date_time(value) -> tuple[dt.date, dt.time | None]:
    if isinstance(value, dt.datetime):
        return value.date(), (value.time() if (value.hour, value.minute, value.second) != (0, 0, 0) else None)
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial_date(value)
    text = _cell_text(value)
    if _SERIAL_RE.match(text):
        return _serial_date(float(text))
    date_part, _sep, time_part = text.replace("T", " ").partition(" ")
    day = None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y"):
        try:
            day = dt.datetime.strptime(date_part, fmt).date()  # noqa: DTZ007 - a calendar date
            break
        except ValueError:
            continue
    if day is None:
        raise CellError(_("«%(value)s» is not a date (write 2024-03-01 or 01.03.2024)") % {"value": text})
    time = None
    time_part = time_part.strip()
    if time_part:
        match = _TIME_RE.match(time_part)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise CellError(_("«%(value)s» is not a time (write 14:30)") % {"value": time_part})
        time = dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    return day, time


def _serial_date(number: float) -> tuple[dt.date, dt.time | None]:
    """An Excel serial date (days since 1899-12-30; the fraction is the time of day)."""
    if not 1 <= number < 2_958_466:
        raise CellError(_("«%(value)s» is not a date (write 2024-03-01 or 01.03.2024)") % {"value": number})
    whole = int(number)
    day = EXCEL_EPOCH + dt.timedelta(days=whole)
    seconds = round((number - whole) * 86400)
    seconds = min(seconds, 86399)
    time = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60) if seconds else None
    return day, time


def parse_date(value, *, required: bool = True) -> dt.date | None:
    """A calendar date: 2024-03-01, 01.03.2024, an XLSX date cell or an Excel serial number."""
    if _cell_text(value) == "":
        if required:
            raise CellError(_("the date is empty"))
        return None
    day, _time = _split_date_time(value)
    return _in_range(day)


def parse_datetime(value, *, required: bool = True, default_hour: int = 12) -> dt.datetime | None:
    """A moment in Asia/Almaty: a date as `parse_date` reads it, maybe with HH:MM; a date
    alone is taken at `default_hour`."""
    if _cell_text(value) == "":
        if required:
            raise CellError(_("the date is empty"))
        return None
    day, time = _split_date_time(value)
    _in_range(day)
    moment = dt.datetime.combine(day, time or dt.time(default_hour))
    return timezone.make_aware(moment)


def parse_int(value, *, required: bool = False, minimum: int | None = 0, maximum: int | None = None) -> int | None:
    """A whole number in ASCII digits (spaces between thousands allowed): «²» or «1,5» is refused."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _cell_text(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        if required:
            raise CellError(_("the number is empty"))
        return None
    if not _INT_RE.match(text):
        raise CellError(_("«%(value)s» is not a whole number") % {"value": _cell_text(value)})
    number = int(text)
    if minimum is not None and number < minimum:
        raise CellError(_("%(value)s is less than %(min)s") % {"value": number, "min": minimum})
    if maximum is not None and number > maximum:
        raise CellError(_("%(value)s is more than %(max)s") % {"value": number, "max": maximum})
    return number


TRUE_WORDS = {"1", "yes", "true", "y", "+", "да", "д", "иә", "ия"}
FALSE_WORDS = {"0", "no", "false", "n", "нет", "н", "жоқ"}


def parse_bool(value) -> bool | None:
    """yes/no, да/нет, иә/жоқ, 1/0; empty is None."""
    text = _cell_text(value).casefold()
    if text in ("", "-"):
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("«%(value)s» is neither yes nor no") % {"value": _cell_text(value)})


_URL_VALIDATOR = URLValidator(schemes=["http", "https"])


def parse_url(value) -> str:
    """A web address (https:// is added when the scheme is missing); "" when empty."""
    text = _cell_text(value)
    if not text:
        return ""
    candidate = text if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) else "https://" + text
    try:
        _URL_VALIDATOR(candidate)
    except ValidationError:
        raise CellError(_("«%(value)s» is not a web address") % {"value": text}) from None
    host = candidate.split("://", 1)[1].split("/", 1)[0]
    if not re.search(r"[^\W\d_]", host.rsplit(".", 1)[-1]) and not host.startswith("["):
        # "1.5" or "10.2024" would pass as a host name; a public address ends in letters.
        raise CellError(_("«%(value)s» is not a web address") % {"value": text})
    return text


def fold_name(text: str) -> str:
    """A name as `NameIndex` compares it (case, ё, quotes, spaces after dots ignored)."""
    return _fold(text)


def header_key(text) -> str:
    """A header cell as columns are matched (case and spaces ignored)."""
    return _header_key(text)


def cell_text(value) -> str:
    """A cell as stripped text ("" when empty; the export's formula quote removed)."""
    return _cell_text(value)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("ё", "е")
    text = re.sub(r"[«»\"“”„']", "", text)
    # «им.Казыбек би г.Караганды» and «им. Казыбек би г. Караганды» are one name.
    text = re.sub(r"\.\s+", ".", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_choice(value, choices, *, required: bool = True, default=None):
    """A value of a TextChoices, by its code or its label in any of the portal's languages."""
    from django.utils import translation

    text = _cell_text(value)
    if not text:
        if required and default is None:
            raise CellError(_("the cell is empty"))
        return default
    wanted = _fold(text)
    for code in choices.values:
        if _fold(code) == wanted:
            return code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                if _fold(label) == wanted:
                    return code
    raise CellError(
        _("unknown value «%(value)s» (one of: %(choices)s)") % {"value": text, "choices": ", ".join(choices.values)}
    )


class NameIndex:
    """Finds a row named by its id, slug, or Russian or Kazakh name, case-insensitively.

    `NameIndex(Organisation.objects.all(), fields=("slug", "name_ru", "name_kk"), label=_("organisation"))`
    reads the rows once; `index.find(cell)` returns the object or raises `CellError`
    (unknown, or a name that two rows share). `index.add(obj)` makes a row created earlier
    in the same import findable by the later ones.
    """

    def __init__(self, objects: Iterable, *, fields: Sequence[str] = ("slug", "name_ru", "name_kk"), label=""):
        self.fields = tuple(fields)
        self.label = label
        self._by_key: dict[str, list] = {}
        for obj in objects:
            self.add(obj)

    def add(self, obj) -> None:
        keys = {str(obj.pk)} | {_fold(getattr(obj, f) or "") for f in self.fields}
        for key in keys - {""}:
            found = self._by_key.setdefault(key, [])
            if obj not in found:
                found.append(obj)

    def get(self, text: str):
        found = self._by_key.get(_fold(text), [])
        return found[0] if len(found) == 1 else None

    def find(self, value, *, required: bool = True):
        text = _cell_text(value)
        if not text:
            if required:
                raise CellError(_("the cell is empty"))
            return None
        found = self._by_key.get(_fold(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _("«%(value)s» names %(count)s rows: write its slug or id instead") % {"value": text, "count": len(found)}
            )
        raise CellError(_("unknown %(what)s «%(value)s»") % {"what": self.label, "value": text})


# --- Importing ----------------------------------------------------------------------------


@dataclass
class RowIssue:
    """The problems of one row (row 0: of the file as a whole)."""

    row: int
    messages: list[str]

    def __str__(self) -> str:
        if not self.row:
            return " ".join(self.messages)
        # Messages from services end with a full stop; inside one line they are joined by "; ".
        problems = "; ".join(m.rstrip(".") if m.endswith(".") and not m.endswith("..") else m for m in self.messages)
        return _("Row %(row)s: %(problems)s") % {"row": self.row, "problems": problems}


@dataclass
class ImportReport:
    """What an import did, or would do: kept in the stored upload as JSON for the admin."""

    committed: bool = False
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowIssue] = field(default_factory=list)
    preview_headers: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [str(issue) for issue in self.errors]

    def as_json(self) -> dict:
        return {
            "committed": self.committed,
            "rows": self.rows,
            "counts": self.counts,
            "errors": [{"row": e.row, "messages": e.messages} for e in self.errors],
            "preview_headers": self.preview_headers,
            "preview": self.preview,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> ImportReport:
        data = data or {}
        return cls(
            committed=data.get("committed", False),
            rows=data.get("rows", 0),
            counts=data.get("counts", {}),
            errors=[RowIssue(e["row"], e["messages"]) for e in data.get("errors", [])],
            preview_headers=data.get("preview_headers", []),
            preview=data.get("preview", []),
        )


class Importer:
    """One import: its columns and how a row becomes a call of the app's service.

    Subclasses set `name` (a stable key: "publications", "branches.registry" …), `verbose_name`,
    `columns`, and write `check_row(row)` (read the cells with `row.text/parse`, return what
    `save_row` needs; problems recorded on the row make it an error) and `save_row(plan, row)`
    (call the service; return a counter name such as "created", or {counter: n} for several). An import that must know
    its user (scoping) reads `self.user`. `for_header(header)` may return another importer
    for a file whose header shows another layout.
    """

    name: ClassVar[str] = ""
    verbose_name: ClassVar[Any] = ""
    columns: ClassVar[Sequence[Column]] = ()
    permission: ClassVar[str] = ""  # the permission the admin import requires, "app.add_model"
    description: ClassVar[Any] = ""  # shown above the columns on the upload page
    counter_labels: ClassVar[dict[str, Any]] = {}

    def __init__(self, *, user=None):
        self.user = user

    def for_header(self, header: list[str]) -> Importer:
        return self

    def prepare(self) -> None:
        """Read reference data (called after the file was read, before the first row, and
        again before the rows are saved a second time, one by one, to name a refused row)."""

    def check_row(self, row: Row):
        raise NotImplementedError

    def save_row(self, plan, row: Row) -> str:
        raise NotImplementedError

    def save_all(self, plans: list[tuple[Row, Any]], *, tick: Callable[[int], None]):
        """Save every row at once through the app's bulk service, or return None (the default)
        to have `save_row` called for each. Raise `RowErrors` naming the refused rows; any
        other refusal makes the rows be saved one by one so that the service names the row."""
        return None

    def check_file(self, plans: list[tuple[Row, Any]]) -> None:
        """Checks across rows (the same link twice …): record problems on the rows."""

    preview_headers: ClassVar[Sequence[Any]] = ()

    def preview_row(self, plan, row: Row) -> list:
        return [row.text(c.key) for c in self.columns]

    def headers_for_preview(self) -> list[str]:
        return [str(h) for h in self.preview_headers] or [c.title for c in self.columns]


REGISTRY: dict[str, type[Importer]] = {}


def register(cls: type[Importer]) -> type[Importer]:
    """Make an importer findable by its name (a stored upload names it; the task looks it up)."""
    REGISTRY[cls.name] = cls
    return cls


def importer_for(name: str) -> type[Importer]:
    if name not in REGISTRY:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("imports")
    return REGISTRY[name]


class _Rollback(Exception):
    pass


def _service_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items()]
        return [str(m) for m in exc.messages]
    return [strip_tags(str(getattr(exc, "message", exc)))]


def run_import(
    importer: Importer,
    content: bytes,
    *,
    commit: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check every row, then save every row in one transaction, kept only when `commit` and
    when no row failed. Never raises for the file's content: every problem is in the report."""
    report = ImportReport()
    try:
        table = read_table(content, columns=importer.columns)
        chosen = importer.for_header(table.header)
        if chosen is not importer:
            importer, table = chosen, read_table(content, columns=chosen.columns)
    except ApplicationError as exc:
        report.errors.append(RowIssue(0, [str(exc.message)]))
        return report
    report.rows = len(table.rows)
    report.preview_headers = importer.headers_for_preview()
    if not table.rows:
        report.errors.append(RowIssue(0, [_("The file has no rows under its header.")]))
        return report
    importer.prepare()
    total = len(table.rows) * 2
    plans: list[tuple[Row, Any]] = []
    for done, row in enumerate(table.rows, start=1):
        plan = None
        try:
            plan = importer.check_row(row)
        except ApplicationError as exc:
            row.problem(exc.message)
        plans.append((row, plan))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    importer.check_file([(r, p) for r, p in plans if not r.problems])
    report.errors = [RowIssue(r.number, r.problems) for r, _p in plans if r.problems]
    if report.errors:
        return report
    tick = _ticker(progress, start=len(plans), total=total)
    # Every row is valid by its checks: save them all at once (the app's bulk save, or row
    # after row without a savepoint each). Only when a service refuses a row is that undone
    # and every row saved again in its own savepoint, so that each refused row is named.
    if not _save_at_once(importer, plans, report, commit=commit, tick=tick):
        importer.prepare()  # what the undone saves added to the reference data is gone
        _save_one_by_one(importer, plans, report, commit=commit, tick=tick)
    report.committed = commit and not report.errors
    if progress:
        progress(total, total)
    return report


class RowErrors(ApplicationError):
    """Raised by `Importer.save_all`: the rows a bulk save refused, {row number: messages}."""

    def __init__(self, rows: dict[int, list[str]]):
        # Never shown: run_import turns it into the rows' own messages (already translated).
        super().__init__("rows refused by a bulk save", code="rows", extra={"rows": rows})
        self.rows = rows


def _ticker(progress, *, start: int, total: int):
    def tick(done: int) -> None:
        if progress and done % PROGRESS_EVERY == 0:
            progress(start + done, total)

    return tick


def _count(report: ImportReport, counters) -> None:
    for counter, n in ({counters or "created": 1} if isinstance(counters, str) or not counters else counters).items():
        report.counts[counter] = report.counts.get(counter, 0) + n


def _add_preview(importer: Importer, report: ImportReport, plans) -> None:
    for row, plan in plans[:PREVIEW_ROWS]:
        report.preview.append([_preview_text(v) for v in importer.preview_row(plan, row)])


def _save_at_once(importer: Importer, plans, report: ImportReport, *, commit: bool, tick) -> bool:
    """Save every row in one transaction without a savepoint per row (two statements fewer
    a row). True when that settled the import (saved, or the bulk save named the refused
    rows); False when a service refused a row, which the one-by-one saves then name."""
    try:
        with transaction.atomic():
            counts = importer.save_all(plans, tick=tick)
            if counts is None:
                for done, (row, plan) in enumerate(plans, start=1):
                    _count(report, importer.save_row(plan, row))
                    tick(done)
            else:
                _count(report, counts)
            _add_preview(importer, report, plans)
            if not commit:
                raise _Rollback
    except _Rollback:
        pass
    except RowErrors as exc:
        report.errors = [RowIssue(number, messages) for number, messages in sorted(exc.rows.items())]
        report.counts, report.preview = {}, []
    except (ApplicationError, ValidationError, IntegrityError):
        report.counts, report.preview = {}, []
        return False
    return True


def _save_one_by_one(importer: Importer, plans, report: ImportReport, *, commit: bool, tick) -> None:
    """Every row in its own savepoint, so a service's refusal names its row and the other
    rows are still tried (all are rolled back when any was refused)."""
    try:
        with transaction.atomic():
            for done, (row, plan) in enumerate(plans, start=1):
                try:
                    with transaction.atomic():
                        counters = importer.save_row(plan, row)
                except (ApplicationError, ValidationError) as exc:
                    report.errors.append(RowIssue(row.number, _service_messages(exc)))
                    continue
                _count(report, counters)
                tick(done)
            if not report.errors:
                _add_preview(importer, report, plans)
            if report.errors or not commit:
                raise _Rollback
    except _Rollback:
        pass


def _preview_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    return str(value)


def import_or_raise(importer: Importer, content: bytes) -> ImportReport:
    """Import at once (the staff pages and management commands): the report, or an
    `ApplicationError` whose `extra["rows"]` lists every bad row."""
    report = run_import(importer, content, commit=True)
    if not report.ok:
        raise ApplicationError(
            _("Nothing was imported. Correct these rows and try again:"),
            code="invalid_rows",
            extra={"rows": report.error_lines()},
        )
    return report


# --- Writing ------------------------------------------------------------------------------

_XLSX_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def safe_cell(value):
    """A cell as a CSV export writes it: text that starts like a formula gets a leading
    quote (a spreadsheet shows it as text), and control characters are dropped."""
    value = xlsx_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_value(value):
    """A value a workbook can hold: text without the control characters XLSX refuses, an
    aware moment as Almaty wall time, numbers and dates as they are."""
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return _XLSX_ILLEGAL_RE.sub("", str(value))


def append_xlsx_row(sheet, values: Sequence) -> None:
    """Append a row to a sheet of an ordinary (not write-only) workbook: every text cell is
    typed as text, so one starting with "=" shows as written and never runs as a formula."""
    sheet.append([xlsx_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_csv(headers: Sequence, rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Kazakh and Russian text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    sheets: dict[str, tuple[Sequence, Iterable[Sequence]]],
    *,
    bold_header: bool = True,
    widths: dict[str, float] | None = None,
) -> bytes:
    """A workbook with a sheet per entry of `sheets` ({title: (headers, rows)}), the header
    row bold and frozen; `widths` sets column widths by letter ({"A": 45}). Text cells are
    typed as text: a title starting with "=" shows as written and never runs."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value, font=None):
        value = xlsx_value(value)
        if not isinstance(value, str) and font is None:
            return value
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"
        if font is not None:
            written.font = font
        return written

    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(_sheet_title(title))
        for letter, width in (widths or {}).items():
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        sheet.append([cell(sheet, h, bold if bold_header else None) for h in headers])
        for row in rows:
            sheet.append([cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title) -> str:
    text = re.sub(r"[\\/*?:\[\]]", " ", xlsx_value(str(title)))[:31].strip()
    return text or "Sheet"


def spreadsheet_response(
    *, fmt: str, filename: str, headers: Sequence, rows: Iterable[Sequence], sheet_title=None
) -> HttpResponse:
    """A download of `rows` as CSV (fmt "csv") or XLSX (anything else is refused upstream)."""
    if fmt == "xlsx":
        body = write_xlsx({str(sheet_title or filename): (headers, rows)})
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(write_csv(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# Translated labels the admin shows for the usual counters.
COUNTER_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
}
