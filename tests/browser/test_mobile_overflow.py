"""Every public page, in each language, on a 390 px phone: nothing scrolls sideways and the
header with the menu keeps within a fifth of the first screen.

The pages are filled with the demo data, whose long titles, links and hashes are what made
/news/ 514 px and the giveaways page 607 px wide before.
"""

import pytest

from tests.browser.public_pages import demo, public_pages  # noqa: F401 (demo is a fixture)

pytestmark = pytest.mark.usefixtures("demo")

PHONE = {"width": 390, "height": 844}

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && wide.length < 3) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(box.right) + 'px');
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide: wide};
}"""


@pytest.mark.parametrize("prefix", ["", "/kk", "/en"], ids=["ru", "kk", "en"])
def test_no_public_page_scrolls_sideways_on_a_phone(browser, live_server, prefix):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, timezone_id="Asia/Almaty")
    page = context.new_page()
    overflowing, tall_headers, visited = [], [], []
    try:
        for address in list(public_pages(page, prefix)):
            response = page.goto(address)
            assert response.ok, f"{address} answered {response.status}"
            visited.append(address)
            figures = page.evaluate(OVERFLOW_JS)
            if figures["scrollWidth"] > figures["clientWidth"]:
                overflowing.append(f"{address}: {figures['scrollWidth']} px wide ({', '.join(figures['wide'])})")
            header_bottom = page.eval_on_selector("header.site-header", "el => el.getBoundingClientRect().bottom")
            if header_bottom > PHONE["height"] / 5:
                tall_headers.append(f"{address}: header and menu {header_bottom:.0f} px of {PHONE['height']}")
    finally:
        context.close()
    assert len(visited) >= 15
    assert not overflowing, "\n".join(overflowing)
    assert not tall_headers, "\n".join(tall_headers)
