"""Concurrent members answering one poll through gunicorn on loopback, with production
settings; then the results page of a poll with 50,000 answers.

Runs on `bench.harness.PortalServer` (gunicorn as deployed, sync workers; its own
PostgreSQL database, dropped and made again; Redis db 7) and drives it with client threads
(requests). Each member is a fresh session. A round: the members open the poll through
their branch's link (GET: the CSRF cookie and the signed form state), then the bare view
(GET /robots.txt, short text through the whole middleware stack) and the members' answers
(POST, all at once) are measured as a pair, in alternating order. Three rounds; the CPU the
gunicorn processes spent per request is read from /proc, the figure least moved by other
load on a shared machine. Then every tenth member sends the same form again without the
first answer's cookie (a double click). Prints:

- the answer POST's throughput as a share of the bare view's (goal: at least 30%), and the
  same share in CPU per request;
- answers accepted, stored, lost (accepted but not stored: must be 0) and counted twice
  (more stored than accepted forms: must be 0), read back by the forms' nonces, and the
  responses stored without some of their answer rows (must be 0);
- the results page of a closed poll with 50,000 answers: the first view (counts and freezes
  them), then the median of 20 (goal: under 150 ms), and its query count next to a poll
  with 10 answers (must be equal).

    .venv/bin/python bench/polls_answer_load.py [--seconds 6] [--rounds 3] [--clients 8] [--workers 3]
        [--database-url postgres://postgres@127.0.0.1:5432/wt_polls] [--redis-url redis://127.0.0.1:6379/7]
"""

import argparse
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
PORT = 18701
BASE = f"http://127.0.0.1:{PORT}"
BIG = 50_000


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


@dataclass
class Measure:
    rps: float
    cpu_ms: float  # gunicorn's CPU (all workers) per request, from /proc


def measured(server, run) -> Measure:
    """Run `run()` (returning (requests, seconds)) and read the server's CPU around it."""
    before = server.cpu_seconds()
    count, seconds = run()
    cpu = server.cpu_seconds() - before
    return Measure(rps=count / seconds, cpu_ms=1000 * cpu / count if count else 0.0)


def timed_drive(seconds, clients, work):
    def run():
        started = time.monotonic()
        rate, tally = drive(seconds, clients, work)
        elapsed = time.monotonic() - started
        run.tally = tally
        return round(rate * elapsed), elapsed

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wt_polls")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()

    from bench.harness import PortalServer  # noqa: PLC0415 - after the path is set

    # Every member comes from 127.0.0.1 here: the per-address limit is raised.
    extra = {"POLL_RATE_LIMIT_PER_HOUR": "100000000"}
    server = PortalServer(workers=args.workers, port=PORT, database_url=args.database_url, redis_url=args.redis_url,
                          extra_env=extra, load_demo=False)
    bares, posts, gets, errors = [], [], [], []
    accepted: list[str] = []
    with server:
        setup_django(server.env)
        started = time.monotonic()
        make_polls()
        print(f"setup: {BIG} answers made in {time.monotonic() - started:.1f} s", flush=True)
        drive(2, args.clients, get_bare)  # warm up the workers
        for round_no in range(args.rounds):
            FORMS.clear()
            get = measured(server, timed_drive(args.seconds, args.clients, get_form))
            gets.append(get)
            forms = list(FORMS)

            def post_run(forms=forms):
                started = time.monotonic()
                _rate, tally = post_forms(forms, args.clients, forget_cookie=False)
                post_run.tally = tally
                return len(forms), time.monotonic() - started

            bare_run = timed_drive(args.seconds, args.clients, get_bare)
            # A B, then B A: neither side always gets the warmer machine.
            for which in (("bare", "post") if round_no % 2 == 0 else ("post", "bare")):
                if which == "bare":
                    bares.append(measured(server, bare_run))
                    errors.append(bare_run.tally.status_5xx)
                else:
                    posts.append(measured(server, post_run))
                    accepted += post_run.tally.accepted
                    errors.append(post_run.tally.status_5xx)
            print(f"round {round_no + 1}: bare {bares[-1].rps:.0f} req/s, answer POST {posts[-1].rps:.0f} req/s "
                  f"({100 * posts[-1].rps / bares[-1].rps:.0f}%), CPU {bares[-1].cpu_ms:.2f} vs {posts[-1].cpu_ms:.2f} ms/request",
                  flush=True)
        sent = len(accepted)
        doubles = FORMS[::10]
        _rate, double_tally = post_forms(doubles, args.clients, forget_cookie=True)
        errors.append(double_tally.status_5xx)
        time_results("small", 3)
        cold = time_results("big", 1)[0]
        warm = time_results("big", 20)
        small = time_results("small", 20)

        from polls.models import Response

        stored = set(Response.objects.filter(poll__slug="live").values_list("form_nonce", flat=True))
        lost = len(set(accepted) - stored)
        twice = Response.objects.filter(poll__slug="live").count() - len(set(accepted))
        # Every form answers each question but the free text: a response with fewer answer
        # rows was stored without some of them.
        from django.db.models import Count

        from polls.choices import QuestionKind
        from polls.models import Question

        answered = Question.objects.filter(poll__slug="live").exclude(kind=QuestionKind.TEXT).count()
        half_stored = (
            Response.objects.filter(poll__slug="live").annotate(rows=Count("answers")).filter(rows__lt=answered).count()
        )
        q_big, q_small = results_queries("big"), results_queries("small")

    share = statistics.median(p.rps / b.rps for p, b in zip(posts, bares, strict=True))
    cpu_share = statistics.median(b.cpu_ms / p.cpu_ms for p, b in zip(posts, bares, strict=True) if p.cpu_ms)
    get_share = statistics.median(g.rps / b.rps for g, b in zip(gets, bares, strict=True))
    print(f"clients: {args.clients}, gunicorn workers: {args.workers}, {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    print(f"bare view GET /robots.txt : {statistics.median(b.rps for b in bares):8.1f} req/s, {statistics.median(b.cpu_ms for b in bares):.2f} ms CPU/request")
    print(f"poll form GET             : {statistics.median(g.rps for g in gets):8.1f} req/s ({100 * get_share:.0f}% of bare), "
          f"{statistics.median(g.cpu_ms for g in gets):.2f} ms CPU/request")
    print(f"answer POST               : {statistics.median(p.rps for p in posts):8.1f} req/s ({100 * share:.0f}% of bare; goal >= 30%), "
          f"{statistics.median(p.cpu_ms for p in posts):.2f} ms CPU/request ({100 * cpu_share:.0f}% of bare's)")
    print(f"answers accepted: {sent}, stored: {len(stored)}, lost: {lost}, counted twice: {twice}, "
          f"stored without some of their answer rows: {half_stored} "
          f"(double submits sent: {len(doubles)}, told 'already counted': {len(double_tally.accepted)})")
    print(f"results, {BIG} answers: first {cold:.0f} ms (counts and freezes them), then median {statistics.median(warm):.0f} ms, "
          f"max {max(warm):.0f} ms (goal < 150 ms); 10 answers: median {statistics.median(small):.0f} ms")
    print(f"results queries: {q_big} with {BIG} answers, {q_small} with 10 (must be equal)")
    print(f"5xx: {sum(errors)} (must be 0)")
    ok = sum(errors) == 0 and lost == 0 and twice == 0 and half_stored == 0 and sent > 0 and q_big == q_small
    ok = ok and share >= 0.3 and statistics.median(warm) < 150
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
