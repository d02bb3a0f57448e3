"""The validators of text and dates that every form, service and import shares.

Applied where data enters: as model field validators (so every ModelForm and every
service's `full_clean()` runs them) and by the spreadsheet mechanism
(`unionportal/spreadsheets.py`) on every cell. `printable()` is the other half: pages,
feeds and exports use it on what is already stored, so one old row cannot break them.
"""

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters, DEL, and lone surrogates (which no database can store).
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_LINE_CONTROL_RE = re.compile(f"[{_CONTROL}\t\n\r]")
_TEXT_CONTROL_RE = re.compile(f"[{_CONTROL}]")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that the text may not hold, or None."""
    match = (_TEXT_CONTROL_RE if multiline else _LINE_CONTROL_RE).search(value or "")
    return match.group(0) if match else None


def validate_single_line(value) -> None:
    """A name or a title: no control characters at all (no tab, no line break)."""
    if isinstance(value, str) and (char := control_character(value)) is not None:
        raise ValidationError(
            _("The text holds a control character (%(char)s) that is not allowed here."),
            code="control_character",
            params={"char": _describe(char)},
        )


def validate_multiline_text(value) -> None:
    """A longer text: tabs and line breaks are allowed, other control characters are not."""
    if isinstance(value, str) and (char := control_character(value, multiline=True)) is not None:
        raise ValidationError(
            _("The text holds a control character (%(char)s) that is not allowed here."),
            code="control_character",
            params={"char": _describe(char)},
        )


def sane_years() -> tuple[int, int]:
    """The first and the last year a date may carry (settings: SANE_DATE_FIRST_YEAR and
    SANE_DATE_YEARS_AHEAD, i.e. 2000 to next year by default)."""
    first = getattr(settings, "SANE_DATE_FIRST_YEAR", 2000)
    last = timezone.localdate().year + getattr(settings, "SANE_DATE_YEARS_AHEAD", 1)
    return first, last


def validate_sane_date(value) -> None:
    """A date or a moment between 1 January of the first year and 31 December of the last."""
    if value is None:
        return
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    first, last = sane_years()
    if not first <= value.year <= last:
        raise ValidationError(
            _("The date must fall between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": first, "last": last},
        )


def printable(value, *, multiline: bool = False) -> str:
    """Stored text made safe to show, feed or export: the forbidden characters are dropped."""
    if value is None:
        return ""
    return (_TEXT_CONTROL_RE if multiline else _LINE_CONTROL_RE).sub(
        lambda m: " " if m.group(0) in "\t\n\r" else "", str(value)
    )
