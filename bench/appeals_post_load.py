"""Concurrent members sending appeals to gunicorn on loopback, with production settings.

Starts gunicorn (DEBUG=0, its own database, Redis cache db 3 by default), then drives it
with client threads (requests): each client GETs /appeal/ for the CSRF cookie and the form
token and POSTs an appeal. Prints the throughput of the bare view (/healthz), of the form's
GET and of GET+POST cycles, the count of 5xx (must be 0), and checks that every accepted
appeal (a redirect to its status page) is in the database. Goals: the form's GET keeps at
least 50% of the bare view's throughput, its POST (one per cycle) at least 20%.

    .venv/bin/python bench/appeals_post_load.py [--seconds 10] [--clients 8] [--workers 2]
        [--database-url postgres://postgres@127.0.0.1:5432/up_appeals_bench] [--redis-url redis://127.0.0.1:6379/3]
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT = 8793
BASE = f"http://127.0.0.1:{PORT}"


def production_env(database_url: str, redis_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-appeals-0123456789abcdef-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        # One address sends everything here: the per-address limit is raised, and the
        # clients are machines, so the minimum fill time is off.
        "APPEAL_RATE_LIMIT_PER_HOUR": "1000000",
        "APPEAL_MIN_FILL_SECONDS": "0",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def ensure_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg2

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.status_5xx = 0
        self.other = 0
        self.codes: list[str] = []
        self.post_seconds = 0.0
        self.posts = 0

    def add(self, response, code: str | None = None):
        with self.lock:
            if response.status_code >= 500:
                self.status_5xx += 1
            elif response.status_code < 400:
                self.ok += 1
            else:
                self.other += 1
            if code:
                self.codes.append(code)


def drive(seconds: float, clients: int, work) -> tuple[float, Tally]:
    tally = Tally()
    deadline = time.monotonic() + seconds
    counts = [0] * clients

    def client(i):
        session = requests.Session()
        while time.monotonic() < deadline:
            work(session, tally, i)
            counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), tally


def get_healthz(session, tally, i):
    tally.add(session.get(f"{BASE}/healthz", timeout=30))


def get_form(session, tally, i):
    tally.add(session.get(f"{BASE}/appeal/", timeout=30))


TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def send_appeal(session, tally, i):
    page = session.get(f"{BASE}/appeal/", timeout=30)
    tally.add(page)
    if page.status_code != 200:
        return
    data = {
        "csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1),
        "form_token": TOKEN_RE.search(page.text).group(1),
        "name": f"Бенч Клиент {i}",
        "email": f"bench{i}@example.invalid",
        "phone": "",
        "topic": "wages",
        "question": "Нагрузочный тест: почему не доплатили за классное руководство?",
        "consent": "on",
        "website": "",
    }
    started = time.monotonic()
    response = session.post(f"{BASE}/appeal/", data=data, headers={"Referer": f"{BASE}/appeal/"}, allow_redirects=False, timeout=30)
    with tally.lock:
        tally.post_seconds += time.monotonic() - started
        tally.posts += 1
    match = re.search(r"/appeal/status/([^/]+)/$", response.headers.get("Location", ""))
    tally.add(response, match.group(1) if response.status_code == 302 and match else None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/up_appeals_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="appeals-bench-static-")
    env = production_env(args.database_url, args.redis_url, static_root)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "unionportal.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{BASE}/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        drive(2, args.clients, get_form)  # warm up: imports, connections, template caches
        bare, bare_tally = drive(args.seconds, args.clients, get_healthz)
        form, form_tally = drive(args.seconds, args.clients, get_form)
        cycles, post_tally = drive(args.seconds, args.clients, send_appeal)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # Check in the database that every accepted appeal is there.
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from appeals.models import Appeal, hash_code

    hashes = {hash_code(code) for code in post_tally.codes}
    stored = set(Appeal.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True))
    missing = len(hashes - stored)
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()  # the bench's own db: queued e-mails and rate counters

    fivexx = bare_tally.status_5xx + form_tally.status_5xx + post_tally.status_5xx
    print(f"clients: {args.clients}, gunicorn workers: {args.workers}, {args.seconds:.0f} s per phase, {args.database_url.split(':')[0]}")
    print(f"bare view  GET /healthz : {bare:8.1f} req/s")
    print(f"form       GET /appeal/ : {form:8.1f} req/s  ({100 * form / bare:.0f}% of bare; goal >= 50%)")
    # The POSTs' own rate: the cycles' POSTs over the time the clients spent waiting on them.
    post_rate = post_tally.posts / (post_tally.post_seconds / args.clients)
    print(f"appeal GET+POST cycles  : {cycles:8.1f} /s    ({100 * cycles / bare:.0f}% of bare)")
    print(f"appeal POST alone       : {post_rate:8.1f} req/s  ({100 * post_rate / bare:.0f}% of bare; goal >= 20%)")
    print(f"appeals accepted        : {len(post_tally.codes)}, in the database: {len(hashes) - missing}, missing: {missing}")
    print(f"4xx: {bare_tally.other + form_tally.other + post_tally.other}, 5xx: {fivexx} (must be 0)")
    ok = fivexx == 0 and missing == 0 and len(post_tally.codes) > 0
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
