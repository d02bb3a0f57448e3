"""Pages of a long public list without counting the whole table.

Django's Paginator counts every matching row on each page view: at 200,000 appearances the
`COUNT(*)` is most of `/press/`. A bounded page reads one row more than it shows (so it
knows whether there is a next page) and counts at most `cap + 1` rows, which the database
stops at; past the cap the page says "more than 1,000".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

COUNT_CAP = 1000


@dataclass
class BoundedPage:
    object_list: list
    number: int
    has_next: bool
    count: int
    count_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 100_000 else 1


def bounded_page(qs: QuerySet, page, *, size: int = 20, cap: int = COUNT_CAP) -> BoundedPage:
    """Page `page` (1-based; anything else, or a page past the end, is the first)."""
    number = _page_number(page)
    rows = list(qs[(number - 1) * size : number * size + 1])
    if not rows and number > 1:
        number = 1
        rows = list(qs[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    if number == 1 and not has_next:
        count = len(rows)  # the whole list is on this page: no count to ask for
    else:
        count = qs.order_by()[: cap + 1].count()
    return BoundedPage(object_list=rows, number=number, has_next=has_next, count=min(count, cap), count_capped=count > cap)
