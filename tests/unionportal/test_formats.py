"""Dates, times and numbers read as each language writes them (Asia/Almaty time)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

MOMENT = timezone.make_aware(datetime.datetime(2026, 12, 1, 13, 5), timezone=datetime.timezone(datetime.timedelta(hours=5)))


def _render(language: str, source: str, **context) -> str:
    with translation.override(language):
        return Template("{% load humanize %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "1 желтоқсан 2026 ж., 13:05"),
        ("ru", "1 декабря 2026 г., 13:05"),
        ("en", "1 December 2026, 13:05"),
    ],
)
def test_a_date_and_time_reads_as_the_language_writes_it(language, expected):
    assert _render(language, '{{ moment|date:"DATETIME_FORMAT" }}', moment=MOMENT) == expected


def test_the_time_shown_is_almaty_time():
    utc = MOMENT.astimezone(datetime.UTC)
    assert utc.hour == 8
    assert _render("kk", '{{ moment|date:"TIME_FORMAT" }}', moment=utc) == "13:05"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "16 желтоқсан 2026 ж."), ("ru", "16 декабря 2026 г."), ("en", "16 December 2026")],
)
def test_a_date_alone(language, expected):
    assert _render(language, '{{ day|date:"DATE_FORMAT" }}', day=datetime.date(2026, 12, 16)) == expected


def test_kazakh_month_names_in_a_date_are_lower_case_for_every_month():
    for month in range(1, 13):
        text = _render("kk", '{{ day|date:"E" }}', day=datetime.date(2026, month, 1))
        assert text == text.lower(), text


@pytest.mark.parametrize(("language", "expected"), [("kk", "1\xa0358"), ("ru", "1\xa0358"), ("en", "1,358")])
def test_thousands_are_separated(language, expected):
    assert _render(language, "{{ count|intcomma }}", count=1358) == expected
