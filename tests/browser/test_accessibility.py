"""axe-core on every public page (ru, kk, en, at desktop and phone width) and on the admin's
add pages for an appeal and a publication: any violation fails, with its rule and elements.

axe-core 4.14.1 is vendored from the npm package (tests/browser/vendor/axe.min.js, MPL-2.0,
licence beside it), so the check needs no Python package and no network.
"""

from pathlib import Path

import pytest

from accounts.roles import Role
from branches.models import Organisation
from tests.accounts.factories import UserFactory
from tests.browser.public_pages import demo, public_pages  # noqa: F401 (demo is a fixture)

pytestmark = pytest.mark.usefixtures("demo")

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_OPTIONS = {"resultTypes": ["violations"]}


def _context(browser, live_server, width=1366):
    # The portal's Content-Security-Policy allows no inline script, and Playwright injects
    # axe as one: the test browser alone bypasses the policy (the pages keep it).
    return browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 844}, timezone_id="Asia/Almaty", bypass_csp=True
    )


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


def check(page, addresses):
    found = []
    for address in addresses:
        response = page.goto(address)
        assert response.ok, f"{address} answered {response.status}"
        assert page.url.endswith(address), f"{address} led to {page.url}"
        found += [f"{address}: {violation}" for violation in axe_violations(page)]
    return found


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("prefix", ["", "/kk", "/en"], ids=["ru", "kk", "en"])
def test_public_pages_have_no_axe_violations(browser, live_server, prefix, width):
    context = _context(browser, live_server, width)
    page = context.new_page()
    try:
        addresses = list(public_pages(page, prefix))
        violations = check(page, addresses)
    finally:
        context.close()
    assert len(addresses) >= 15
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("prefix", ["", "/kk"], ids=["ru", "kk"])
def test_admin_add_pages_for_an_appeal_and_a_publication_have_no_axe_violations(browser, live_server, prefix):
    root = Organisation.objects.filter(parent__isnull=True).first()
    staff = UserFactory(username="axe-staff", role=Role.REGIONAL_STAFF, role__organisation=root)
    context = _context(browser, live_server)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", staff.username)
        page.fill("input[name=password]", "pass-for-tests-123")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        addresses = [f"{prefix}/admin/appeals/appeal/add/", f"{prefix}/admin/publications/publication/add/"]
        violations = check(page, addresses)
    finally:
        context.close()
    assert not violations, "\n".join(violations)
