"""Concurrent members answering one poll through gunicorn on loopback, with production
settings; then the results page of a poll with 50,000 answers.

Starts gunicorn (DEBUG=0, its own PostgreSQL database, Redis db 7 by default) and drives it
with client threads (requests). Each member is a fresh session: first the members open the
poll through their branch's link (GET: the CSRF cookie and the signed form state), then all
of them send their answers at once (POST), then every tenth sends the same form again
without the first answer's cookie (a double click). Prints:

- the bare view's throughput (GET /robots.txt: short text through the whole middleware
  stack) and the answer POST's, as a share of it (goal: at least 30%);
- answers accepted, stored, lost (accepted but not stored: must be 0) and counted twice
  (more stored than accepted forms: must be 0), read back by the forms' nonces;
- the results page of a closed poll with 50,000 answers: the first render (counts from the
  database) and the next ones (counts from the cache), median of 20 (goal: under 150 ms),
  and its query count next to a poll with 10 answers (must be equal).

    .venv/bin/python bench/polls_answer_load.py [--seconds 10] [--clients 8] [--workers 2]
        [--database-url postgres://postgres@127.0.0.1:5432/wt_polls] [--redis-url redis://127.0.0.1:6379/7]
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT = 18701
BASE = f"http://127.0.0.1:{PORT}"
SECRET_KEY = "bench-only-secret-key-polls-0123456789abcdef-not-for-production"  # noqa: S105 - bench only
BIG = 50_000


def production_env(database_url: str, redis_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        # Every member comes from 127.0.0.1 here: the per-address limit is raised.
        "POLL_RATE_LIMIT_PER_HOUR": "100000000",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def ensure_database(database_url: str) -> None:
    import psycopg2

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()


def make_polls():
    """The poll members answer, a closed one with 50,000 answers and a closed one with 10."""
    import datetime
    import random
    import secrets
    import uuid

    from django.utils import timezone

    from branches.choices import OrganisationKind
    from branches.models import Organisation
    from polls import services
    from polls.choices import Audience, QuestionKind
    from polls.models import Answer, Poll, Response

    regional = Organisation.objects.create(kind=OrganisationKind.REGIONAL, name_ru="Областная", slug="regional")
    branches = [
        Organisation.objects.create(kind=OrganisationKind.BRANCH, parent=regional, name_ru=f"Филиал {i}", slug=f"b{i}", position=i)
        for i in range(1, 13)
    ]
    questions = [
        {"kind": QuestionKind.SINGLE, "text_ru": "Нагрузка выросла?", "choices_ru": "Да\nСкорее да\nНет"},
        {"kind": QuestionKind.SCALE, "text_ru": "Оцените работу профкома"},
        {"kind": QuestionKind.TEXT, "text_ru": "Что изменить?", "is_required": False},
    ]
    now = timezone.now()

    def poll(slug, opens, closes):
        return services.poll_create(
            organisation=regional, slug=slug, title_ru=slug, opens_at=opens, closes_at=closes,
            questions=questions, audience=Audience.REGION,
        )

    live = poll("live", now - datetime.timedelta(days=1), now + datetime.timedelta(days=7))
    rng = random.Random(1)  # noqa: S311 - bench data
    for slug, count in (("big", BIG), ("small", 10)):
        target = poll(slug, now - datetime.timedelta(days=40), now + datetime.timedelta(days=7))
        qs = list(target.questions.prefetch_related("choices"))
        choices = list(qs[0].choices.all())
        responses, answers = [], []
        for i in range(count):
            unit = branches[i % len(branches)]
            response = Response(
                id=uuid.uuid4(), poll=target, unit=unit, form_nonce=secrets.token_urlsafe(12),
                submitted_on=(now - datetime.timedelta(days=rng.randint(1, 30))).date(),
            )
            responses.append(response)
            answers.append(Answer(response=response, question=qs[0], unit=unit, choice=rng.choice(choices)))
            answers.append(Answer(response=response, question=qs[1], unit=unit, scale=rng.randint(1, 5)))
            if i % 7 == 0:
                answers.append(Answer(response=response, question=qs[2], unit=unit, text="Меньше отчётов"))
        Response.objects.bulk_create(responses, batch_size=5000)
        Answer.objects.bulk_create(answers, batch_size=5000)
        services.poll_close(poll=target)
    # Closed a while ago: the first results view freezes the counts (the scheduled job would).
    Poll.objects.filter(slug__in=["big", "small"]).update(
        opens_at=now - datetime.timedelta(days=40), closed_at=now - datetime.timedelta(minutes=5)
    )
    return live


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = self.status_5xx = self.other = 0
        self.accepted: list[str] = []  # nonces of the forms accepted

    def add(self, response):
        with self.lock:
            if response.status_code >= 500:
                self.status_5xx += 1
            elif response.status_code < 400:
                self.ok += 1
            else:
                self.other += 1


def drive(seconds: float, clients: int, work) -> tuple[float, Tally]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    counts = [0] * clients

    def client(i):
        while time.monotonic() < deadline:
            work(tally, i, counts[i])
            counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), tally


_bare_sessions: dict = {}


def get_bare(tally, i, n):
    session = _bare_sessions.setdefault(i, requests.Session())
    tally.add(session.get(f"{BASE}/robots.txt", timeout=30))


STATE_RE = re.compile(r'name="state" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD_RE = re.compile(r'name="(q\d+)" value="(\d+)"')
TEXT_RE = re.compile(r'<textarea name="(q\d+)"')


FORMS: list = []


def get_form(tally, i, n):
    """A new member opens the poll through a branch's link: keep the form to send later."""
    session = requests.Session()
    url = f"{BASE}/polls/live/b/b{n % 12 + 1}/"
    page = session.get(url, timeout=30)
    tally.add(page)
    if page.status_code != 200:
        return
    fields = {}
    for name, value in FIELD_RE.findall(page.text):
        fields.setdefault(name, value)  # the first choice offered
    state = STATE_RE.search(page.text).group(1)
    data = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1), "state": state, **fields, "nav": "next"}
    text_field = TEXT_RE.search(page.text)
    if text_field and n % 3 == 0:
        data[text_field.group(1)] = f"Предложение участника {i}-{n}"
    with tally.lock:
        FORMS.append((session, url, data))


def post_forms(forms, clients: int, *, forget_cookie: bool) -> tuple[float, Tally]:
    """Send the forms from `clients` threads; the rate is POSTs per second of the phase."""
    from django.core import signing

    from polls.protection import STATE_SALT

    tally = Tally()
    queue = list(forms)

    def client():
        while True:
            with tally.lock:
                if not queue:
                    return
                session, url, data = queue.pop()
            if forget_cookie:
                # A second click that left before the first answer's cookie came back.
                for cookie in list(session.cookies):
                    if cookie.name.startswith("poll-"):
                        session.cookies.clear(cookie.domain, cookie.path, cookie.name)
            response = session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)
            tally.add(response)
            if response.status_code == 302 and "/counted/" in response.headers.get("Location", ""):
                with tally.lock:
                    tally.accepted.append(signing.loads(data["state"], salt=STATE_SALT)["n"])

    threads = [threading.Thread(target=client) for _i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(forms) / (time.monotonic() - started), tally


def time_results(slug: str, runs: int) -> list[float]:
    session = requests.Session()
    out = []
    for _i in range(runs):
        started = time.monotonic()
        response = session.get(f"{BASE}/polls/{slug}/results/", timeout=60)
        out.append((time.monotonic() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return out


def results_queries(slug: str) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(f"/polls/{slug}/results/", HTTP_HOST="127.0.0.1").status_code == 200
    return len(captured)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wt_polls")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="polls-bench-static-")
    env = production_env(args.database_url, args.redis_url, static_root)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    setup_django(env)
    started = time.monotonic()
    make_polls()
    print(f"setup: {BIG} answers made in {time.monotonic() - started:.1f} s")
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # the bench's own db

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "unionportal.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{BASE}/robots.txt", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        drive(2, args.clients, get_bare)  # warm up
        time_results("small", 3)
        bare, bare_tally = drive(args.seconds, args.clients, get_bare)
        gets, get_tally = drive(args.seconds, args.clients, get_form)
        posts, tally = post_forms(FORMS, args.clients, forget_cookie=False)
        post_seconds = len(FORMS) / posts
        doubles = FORMS[::10]
        _rate, double_tally = post_forms(doubles, args.clients, forget_cookie=True)
        # The machine is shared: the bare view again, after, and the ratio to the mean of both.
        bare_after, bare_tally_after = drive(args.seconds, args.clients, get_bare)
        cold = time_results("big", 1)[0]
        warm = time_results("big", 20)
        small = time_results("small", 20)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    from polls.models import Response

    stored = set(Response.objects.filter(poll__slug="live").values_list("form_nonce", flat=True))
    accepted = set(tally.accepted)
    lost = len(accepted - stored)
    twice = Response.objects.filter(poll__slug="live").count() - len(accepted)
    q_big, q_small = results_queries("big"), results_queries("small")
    redis.Redis.from_url(args.redis_url).flushdb()

    bare_before = bare
    bare = (bare_before + bare_after) / 2
    fivexx = bare_tally_after.status_5xx + bare_tally.status_5xx + get_tally.status_5xx + tally.status_5xx + double_tally.status_5xx
    print(f"clients: {args.clients}, gunicorn workers: {args.workers}, {args.seconds:.0f} s per phase, {args.database_url.split(':')[0]}")
    print(f"bare view GET /robots.txt : {bare:8.1f} req/s  (before {bare_before:.1f}, after {bare_after:.1f})")
    print(f"poll form GET             : {gets:8.1f} req/s  ({100 * gets / bare:.0f}% of bare)")
    print(f"answer POST               : {posts:8.1f} req/s  ({100 * posts / bare:.0f}% of bare; goal >= 30%; {post_seconds:.1f} s)")
    print(f"answers sent: {len(FORMS)}, accepted: {len(accepted)}, stored: {len(stored)}, lost: {lost}, counted twice: {twice} "
          f"(double submits sent: {len(doubles)}, told 'already counted': {len(double_tally.accepted)})")
    print(f"results, {BIG} answers: first {cold:.0f} ms (counts and freezes them), then median {statistics.median(warm):.0f} ms, "
          f"max {max(warm):.0f} ms (goal < 150 ms); 10 answers: median {statistics.median(small):.0f} ms")
    print(f"results queries: {q_big} with {BIG} answers, {q_small} with 10 (must be equal)")
    print(f"4xx: {bare_tally.other + get_tally.other + tally.other + double_tally.other}, 5xx: {fivexx} (must be 0)")
    ok = fivexx == 0 and lost == 0 and twice == 0 and len(accepted) == len(FORMS) and q_big == q_small
    ok = ok and posts >= 0.3 * bare and statistics.median(warm) < 150
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
