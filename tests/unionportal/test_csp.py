"""Issue 11, item 14: a Content-Security-Policy (django-csp) of the portal's own origin only,
and pages that keep working under it: no inline script, no inline style attribute, no
inline <style> but the two allowed by their hash."""

import base64
import datetime
import hashlib
import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.utils import timezone

from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = ["/", "/news/", "/branches/", "/appeal/", "/appeal/status/", "/appeal/faq/", "/press/", "/giveaways/",
                "/kk/", "/en/appeal/", "/accounts/login/", "/accounts/signup/"]
ADMIN_PAGES = ["/admin/", "/admin/appeals/appeal/", "/admin/media_reports/mediaappearance/", "/admin/branches/organisation/",
               "/admin/accounts/user/", "/admin/appeals/appeal/add/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


def _inline_problems(html: str, allowed_hashes) -> list[str]:
    problems = []
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        if "src=" not in attrs and body.strip() and "application/json" not in attrs and "application/ld+json" not in attrs:
            problems.append(f"inline script: {body.strip()[:60]}")
    for css in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S | re.I):
        if _hash(css) not in allowed_hashes:
            problems.append(f"inline style block: {css.strip()[:60]}")
    problems += [f"style attribute: {m[:60]}" for m in re.findall(r"<[^>]+\sstyle=[\"'][^>]*>", html, re.I)]
    problems += [f"event handler: {m[:60]}" for m in re.findall(r"<[^>]+\son[a-z]+=[\"'][^>]*>", html, re.I)]
    problems += [f"javascript: URL: {m[:60]}" for m in re.findall(r"(?:href|src)=[\"']\s*javascript:[^\"']*", html, re.I)]
    return problems


def test_every_page_carries_a_policy_of_the_portal_s_own_origin(client):
    policy = _policy(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in policy["script-src"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_use_nothing_the_policy_forbids(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert _inline_problems(response.content.decode(), _policy(response)["style-src"]) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_use_nothing_the_policy_forbids(client, superuser, path, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    AppealFactory(due_date=timezone.localdate() - datetime.timedelta(days=3))  # the overdue marker
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    assert _inline_problems(response.content.decode(), _policy(response)["style-src"]) == []


def test_the_admin_keeps_its_colours_in_the_portal_stylesheet(client, superuser, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    AppealFactory(due_date=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(superuser)
    page = client.get("/admin/appeals/appeal/").content.decode()
    assert "css/admin.css" in page and 'class="appeal-overdue"' in page
    assert ".appeal-overdue" in (ROOT / "static" / "css" / "admin.css").read_text()


def test_the_hashes_in_the_policy_are_those_of_the_two_inline_style_blocks():
    error_page = (ROOT / "templates" / "500.html").read_text()
    change_list = (Path(django.__file__).parent / "contrib" / "admin" / "templates" / "admin" / "change_list.html").read_text()
    expected = {_hash(re.search(r"<style>(.*?)</style>", text, re.S).group(1)) for text in (error_page, change_list)}
    assert expected == set(settings.CSP_STYLE_HASHES)


# The policy is built once per process (unionportal.middleware.CSPMiddleware); what a view
# or a template changes still reaches its own response, and a changed setting the next one.

def _through_middleware(view, path="/x/"):
    from django.test import RequestFactory

    from unionportal.middleware import CSPMiddleware

    return CSPMiddleware(view)(RequestFactory().get(path))


def _parts(header: str) -> set[str]:
    return {part.strip() for part in header.split(";") if part.strip()}


def test_the_policy_built_once_is_the_one_django_csp_builds_from_the_settings(client):
    from csp.utils import build_policy

    first, second = client.get("/robots.txt"), client.get("/appeal/")
    assert _parts(first["Content-Security-Policy"]) == _parts(build_policy())
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in first


def test_a_changed_setting_reaches_the_next_response(client, settings):
    client.get("/robots.txt")  # the policy of the old setting is built and kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://img.example.org"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"script-src": ["'none'"]}}
    response = client.get("/robots.txt")
    assert "img-src https://img.example.org" in response["Content-Security-Policy"]
    assert "script-src 'none'" in response["Content-Security-Policy-Report-Only"]


def test_a_view_s_own_policy_and_a_template_s_nonce_still_reach_its_response(settings):
    from csp.constants import NONCE, SELF
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    @csp_update({"img-src": "https://maps.example.org"})
    def with_map(request):
        return HttpResponse("map")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("plain")

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    assert "https://maps.example.org" in _through_middleware(with_map)["Content-Security-Policy"]
    assert "Content-Security-Policy" not in _through_middleware(exempt)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    response = _through_middleware(with_nonce)
    nonce = re.search(r"nonce='([^']+)'", response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse
    from django.test import RequestFactory

    from unionportal.middleware import CSPMiddleware

    request = RequestFactory().get("/x/")
    CSPMiddleware(lambda request: HttpResponse("ok"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
