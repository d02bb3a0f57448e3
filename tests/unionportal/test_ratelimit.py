"""The one rate-limit mechanism (unionportal/ratelimit.py): who is asking, and counting.

Issue 11, item 5: behind nginx every visitor shared one bucket, so twelve members lost
their eleventh and twelfth appeals, and ten people's failed logins locked out the chair.
"""

import pytest
from django.test import Client, RequestFactory

from unionportal import ratelimit

PROXY = "10.1.0.2"


def _request(remote="198.51.100.1", forwarded=None, real=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    if real is not None:
        meta["HTTP_X_REAL_IP"] = real
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_ip(_request(PROXY, forwarded="203.0.113.7", real="203.0.113.8")) == PROXY


def test_from_a_trusted_proxy_the_address_it_saw_is_the_visitor(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ratelimit.client_ip(_request(PROXY, forwarded="203.0.113.7")) == "203.0.113.7"


def test_what_the_visitor_wrote_left_of_the_proxy_s_entry_proves_nothing(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ratelimit.client_ip(_request(PROXY, forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_given_as_a_network_is_walked_past(settings):
    settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
    assert ratelimit.client_ip(_request(PROXY, forwarded="203.0.113.7, 10.1.5.5")) == "203.0.113.7"


def test_x_real_ip_is_read_when_the_proxy_sends_no_forwarded_for(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ratelimit.client_ip(_request(PROXY, real="203.0.113.9")) == "203.0.113.9"


def test_a_garbage_header_falls_back_to_the_proxy_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ratelimit.client_ip(_request(PROXY, forwarded="not-an-address")) == PROXY


def test_ipv6_visitors_are_counted_by_their_64_network(settings):
    settings.TRUSTED_PROXIES = []
    one, other = _request("2001:db8:1:2::10"), _request("2001:db8:1:2::99")
    assert ratelimit.allow(one, "test", limit=1, period=60)
    assert not ratelimit.allow(other, "test", limit=1, period=60)


def test_a_refund_gives_the_hit_back():
    request = _request()
    assert ratelimit.allow(request, "test", limit=1, period=60)
    ratelimit.refund(request, "test", period=60)
    assert ratelimit.allow(request, "test", limit=1, period=60)
    assert not ratelimit.allow(request, "test", limit=1, period=60)


def test_a_key_is_limited_whoever_asks():
    assert ratelimit.allow(_request("198.51.100.1"), "test", limit=1, period=60, key="AB12-CD34")
    assert not ratelimit.allow(_request("198.51.100.2"), "test", limit=1, period=60, key="AB12-CD34")


def test_the_settings_refuse_a_proxy_that_is_not_an_address(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {"DEBUG": "1", "TRUSTED_PROXIES": "10.0.0.1,nginx.local", "PATH": os.environ.get("PATH", "")}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "nginx.local" in result.stderr


# --- Logins: allauth's limits read the same address -------------------------------------


def _login(client, username, password, address):
    return client.post("/accounts/login/", {"login": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


@pytest.mark.django_db
def test_ten_people_mistyping_their_passwords_behind_the_proxy_do_not_lock_out_the_chair(settings, chair):
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client()
    for n in range(1, 11):
        assert _login(client, f"member{n}", "wrong-password", f"203.0.113.{n}").status_code == 200
    response = _login(client, "chair", "pass-for-tests-123", "203.0.113.50")
    assert response.status_code == 302


@pytest.mark.django_db
def test_failed_logins_are_limited_per_account_across_addresses(settings, chair):
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client()
    for n in range(1, 6):
        _login(client, "chair", "wrong-password", f"203.0.113.{n}")
    response = _login(client, "chair", "pass-for-tests-123", "203.0.113.60")
    assert response.status_code != 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failed_logins_are_limited_per_address(settings, chair):
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client()
    for n in range(1, 11):
        _login(client, f"guess{n}", "wrong-password", "203.0.113.66")
    assert _login(client, "chair", "pass-for-tests-123", "203.0.113.66").status_code != 302
    assert _login(client, "chair", "pass-for-tests-123", "203.0.113.67").status_code == 302
