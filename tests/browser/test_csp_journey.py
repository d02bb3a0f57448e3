"""Under the Content-Security-Policy nothing breaks: Chromium reports no violation on the
public pages, the appeal form (its script runs), and the admin a regional staff member uses."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.appeals.factories import AppealFactory

PUBLIC = ["/", "/news/", "/branches/", "/appeal/", "/appeal/status/", "/appeal/faq/", "/press/", "/giveaways/", "/kk/"]
ADMIN = ["/admin/", "/admin/appeals/appeal/", "/admin/appeals/appeal/add/", "/admin/branches/organisation/"]


def _watch(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def test_public_pages_and_the_admin_run_without_a_policy_violation(page, login, settings, branch_a):
    settings.MFA_REQUIRED_FOR_STAFF = False
    violations = _watch(page)
    for path in PUBLIC:
        response = page.goto(path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]

    AppealFactory(branch=branch_a, due_date=timezone.localdate() - datetime.timedelta(days=2))
    staff = UserFactory(username="csp-staff", role=Role.REGIONAL_STAFF, role__organisation=branch_a.parent)
    login(staff)
    for path in ADMIN:
        assert page.goto(path).status == 200, path
    page.goto("/admin/appeals/appeal/")
    overdue = page.locator(".appeal-overdue").first
    expect(overdue).to_be_visible()
    # The colour comes from static/css/admin.css, not an inline style the policy would drop.
    assert overdue.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"
    assert violations == []
