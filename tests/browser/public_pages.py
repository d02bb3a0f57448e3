"""The public pages of the portal, filled with the demo data, for the phone and axe tests."""

import io
import re

import pytest
from django.core.management import call_command

from appeals.models import Appeal

# List pages, and for each the pattern of a detail link on it to follow as well.
LIST_PAGES = [
    ("/", None),
    ("/news/", r"/news/\d+/$"),
    ("/branches/", r"/branches/[\w-]+/$"),
    ("/appeal/", None),
    ("/appeal/status/", None),
    ("/appeal/faq/", None),
    ("/press/", r"/press/\d+/$"),
    ("/giveaways/", r"/giveaways/\d+/$"),
    ("/giveaways/verify/", None),
    ("/giveaways/figures/", None),
    ("/polls/", r"/polls/[\w-]+/(results/)?$"),
    ("/accounts/login/", None),
]

@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def public_pages(page, prefix):
    """Yield every public address: the list pages and the first detail page of each."""
    for path, detail_pattern in LIST_PAGES:
        yield prefix + path
        if detail_pattern is None:
            continue
        response = page.goto(prefix + path)
        assert response.ok, prefix + path
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        details = [href for href in hrefs if re.search(detail_pattern, href)]
        assert details, f"no detail link on {prefix}{path}"
        # The first and the last: the newest item and an older one with other content.
        yield from dict.fromkeys([details[0], details[-1]])
    appeal = Appeal.objects.order_by("pk").first()
    yield f"{prefix}/appeal/status/{appeal.tracking_code}/"
