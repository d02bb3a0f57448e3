"""The shared validators of text and dates, and the cleaning of what is already stored."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from unionportal.validators import printable, validate_multiline_text, validate_sane_date, validate_single_line


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\t", "\n"])
def test_a_name_refuses_every_control_character(char):
    with pytest.raises(ValidationError):
        validate_single_line(f"Title{char}here")


def test_a_text_allows_tabs_and_line_breaks_but_not_other_control_characters():
    validate_multiline_text("one\r\ntwo\tthree")
    with pytest.raises(ValidationError):
        validate_multiline_text("one\x0btwo")


@pytest.mark.parametrize("year", [1, 1999, 9999])
def test_a_date_outside_2000_to_next_year_is_refused(year):
    with pytest.raises(ValidationError):
        validate_sane_date(dt.date(year, 1, 1))


def test_the_range_follows_the_setting(settings):
    settings.SANE_DATE_FIRST_YEAR = 1990
    validate_sane_date(dt.date(1995, 5, 5))
    validate_sane_date(dt.date(timezone.localdate().year + 1, 12, 31))


def test_printable_cleans_stored_text_for_pages_and_feeds():
    assert printable("A\x0bB\x00C\nD") == "ABC D"
    assert printable("A\x0bB\nC", multiline=True) == "AB\nC"
