"""The link check against a local HTTP server the test starts: no request leaves the machine."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from branches.choices import Platform
from branches.linkcheck import check_link_batch, claim_rows, link_check_models
from branches.models import SocialPage
from branches.tasks import check_all_links
from tests.branches.factories import SocialPageFactory

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 1.5
DRIP_LINES = 20


class Handler(BaseHTTPRequestHandler):
    seen_agents: list[str] = []
    hits: list[str] = []

    def _answer(self, body: bool):
        Handler.seen_agents.append(self.headers.get("User-Agent", ""))
        Handler.hits.append(f"{self.command} {self.path}")
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/missing":
            self.send_response(404)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.send_response(200)
        elif self.path == "/drip":
            # Each header line comes well within the read timeout, the whole answer never does.
            self.send_response(200)
            self.flush_headers()
            try:
                for n in range(DRIP_LINES):
                    self.wfile.write(f"X-Drip-{n}: x\r\n".encode())
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:  # the checker gave up and closed the connection
                return
        elif self.path == "/no-head":
            self.send_response(405 if self.command == "HEAD" else 200)
        else:
            self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.seen_agents = []
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.LINK_CHECK_TIMEOUT_SECONDS = 0.5
    settings.LINK_CHECK_CONCURRENCY = 2
    settings.LINK_CHECK_USER_AGENT = "UnionPortalLinkChecker/test"
    # The test server listens on 127.0.0.1; production refuses such addresses (tested below).
    settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = True


def _page(branch, url):
    return SocialPageFactory(organisation=branch, platform=Platform.WEBSITE, url=url, handle="")


def test_every_model_with_link_check_fields_is_found():
    from media_reports.models import MediaAppearance

    assert SocialPage in link_check_models()
    assert MediaAppearance in link_check_models()


def test_it_records_status_final_url_and_time_for_each_answer(server, branch_a):
    ok = _page(branch_a, f"{server}/ok")
    missing = _page(branch_a, f"{server}/missing")
    moved = _page(branch_a, f"{server}/moved")
    slow = _page(branch_a, f"{server}/slow")
    no_head = _page(branch_a, f"{server}/no-head")

    check_link_batch(model=SocialPage, ids=[ok.pk, missing.pk, moved.pk, slow.pk, no_head.pk])

    for page in (ok, missing, moved, slow, no_head):
        page.refresh_from_db()
        assert page.link_checked_at is not None
    assert (ok.link_status_code, ok.link_failures, ok.link_error) == (200, 0, "")
    assert (missing.link_status_code, missing.link_failures) == (404, 1)
    assert moved.link_status_code == 200 and moved.link_final_url == f"{server}/ok"
    assert slow.link_status_code is None and "timeout" in slow.link_error and slow.link_failures == 1
    assert no_head.link_status_code == 200, "a server refusing HEAD is asked again with GET"
    assert set(Handler.seen_agents) == {"UnionPortalLinkChecker/test"}


def test_a_link_is_dead_only_after_two_failed_checks_in_a_row(server, branch_a):
    page = _page(branch_a, f"{server}/missing")
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert not page.link_is_dead
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert page.link_is_dead


def test_a_link_that_answers_again_is_alive_again(server, branch_a):
    page = _page(branch_a, f"{server}/ok")
    SocialPage.objects.filter(pk=page.pk).update(link_failures=5)
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert page.link_failures == 0 and not page.link_is_dead


def test_rows_claimed_by_another_run_are_not_checked_twice(server, branch_a):
    taken = _page(branch_a, f"{server}/ok")
    free = _page(branch_a, f"{server}/missing")
    _token, claimed = claim_rows(SocialPage, [taken.pk])
    assert claimed == [taken.pk]

    results = check_link_batch(model=SocialPage, ids=[taken.pk, free.pk])

    assert list(results) == [free.pk]
    assert Handler.hits.count("HEAD /ok") == 0
    taken.refresh_from_db()
    assert taken.link_checked_at is None
    free.refresh_from_db()
    assert free.link_check_claim is None, "a run releases its claims when it ends"


def test_the_scheduled_task_checks_every_link(server, branch_a, branch_b):
    pages = [_page(branch_a, f"{server}/ok"), _page(branch_b, f"{server}/missing")]
    assert check_all_links() == 2
    assert all(SocialPage.objects.get(pk=p.pk).link_checked_at for p in pages)


def test_the_management_command_checks_every_link(server, branch_a, capsys):
    page = _page(branch_a, f"{server}/moved")
    call_command("check_links")
    page.refresh_from_db()
    assert page.link_status_code == 200
    assert "1 checked" in capsys.readouterr().out


def test_the_admin_action_queues_a_check_of_the_chosen_pages(server, client, regional_staff, branch_a):
    chosen = _page(branch_a, f"{server}/ok")
    other = _page(branch_a, f"{server}/missing")
    client.force_login(regional_staff)
    response = client.post(
        "/admin/branches/socialpage/", {"action": "check_links_now", "_selected_action": [chosen.pk]}, follow=True
    )
    assert response.status_code == 200
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert chosen.link_status_code == 200
    assert other.link_checked_at is None


def test_it_refuses_a_link_to_the_servers_own_network(server, branch_a, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE_ADDRESSES = False
    page = _page(branch_a, f"{server}/ok")
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert Handler.hits == []
    assert page.link_status_code is None
    assert "not a public address" in page.link_error


def test_every_redirect_is_checked_before_it_is_followed(server, branch_a, monkeypatch):
    from branches import linkcheck

    def refuse_ok(url):
        if url.endswith("/ok"):
            raise linkcheck.UnsafeLink("refused: not a public address")
        return "127.0.0.1"

    monkeypatch.setattr(linkcheck, "_refuse_private", refuse_ok)
    page = _page(branch_a, f"{server}/moved")
    check_link_batch(model=SocialPage, ids=[page.pk])
    page.refresh_from_db()
    assert Handler.hits == ["HEAD /moved"]
    assert "not a public address" in page.link_error


def test_a_server_that_drips_its_answer_does_not_hold_the_batch(server, branch_a):
    dripping, ok = _page(branch_a, f"{server}/drip"), _page(branch_a, f"{server}/ok")
    check_link_batch(model=SocialPage, ids=[dripping.pk, ok.pk])
    dripping.refresh_from_db()
    ok.refresh_from_db()
    assert "no full answer" in dripping.link_error
    assert ok.link_status_code == 200
    assert SocialPage.objects.filter(link_check_claim__isnull=False).count() == 0
