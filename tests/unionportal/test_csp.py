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
