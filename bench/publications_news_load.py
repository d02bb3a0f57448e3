"""Throughput of the public news list /news/ with 1,000 and with 200,000 publications.

Fills its own PostgreSQL database (default `up_publications_bench`, dropped and made
afresh) with the registry and publications demo, tops it up to 1,000 publications,
measures /news/ (plain and filtered) under gunicorn with production settings and wrk,
then grows the log to 200,000 publications and measures again. Prints req/s, p50/p99
and the ratio large/small per page. Goal: at 200,000 rows each page keeps ≥ 80% of its
throughput at 1,000 (no full-table count or scan per request). The public page cache is
off, so the view itself is measured.

    .venv/bin/python bench/publications_news_load.py [--rows 200000] [--duration 10]
        [--connections 16] [--workers 3] [--database up_publications_bench]
"""

import argparse
import datetime as dt
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8772
ALMATY = ZoneInfo("Asia/Almaty")
PAGES = [
    ("/news/", "/news/"),
    ("rubric", "/news/?rubric=chelovek-truda"),
    ("year 2023", "/news/?year=2023"),
    ("organisation", "/news/?organisation=saran"),
    ("channel", "/news/?channel=instagram"),
]


def production_env(database_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "unionportal.settings",
    }


def recreate_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def fill_to(total: int) -> None:
    """Bulk-insert generated publications until the log holds `total`."""
    from django.db import connection

    from branches.models import Organisation
    from publications.choices import Channel, Language
    from publications.models import Publication, Rubric

    have = Publication.objects.count()
    if have >= total:
        return
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    rubrics = list(Rubric.objects.values_list("pk", flat=True))
    channels = [Channel.FACEBOOK] * 6 + [Channel.INSTAGRAM] * 4 + [Channel.TELEGRAM, Channel.BROCHURE, Channel.STAND]
    rng = random.Random(7)
    start = dt.datetime(2010, 1, 1, tzinfo=ALMATY)
    span = int((dt.datetime(2024, 12, 31, tzinfo=ALMATY) - start).total_seconds())
    batch = []
    for i in range(have, total):
        batch.append(
            Publication(
                organisation_id=rng.choice(orgs),
                title=f"Профсоюз информирует: материал №{i}",
                text="Разъяснение трудового законодательства для членов профсоюза. " * 3,
                channel=rng.choice(channels),
                rubric_id=rng.choice(rubrics) if rng.random() < 0.1 else None,
                language=rng.choice(Language.values),
                published_at=start + dt.timedelta(seconds=rng.randrange(span)),
            )
        )
        if len(batch) == 5000:
            Publication.objects.bulk_create(batch)
            batch = []
    Publication.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publications_publication")


def wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def latency(pct):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": int(non_2xx.group(1)) if non_2xx else 0}


def measure(env: dict, args) -> dict:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "unionportal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/news/", timeout=5)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name, path in PAGES:
            wrk(base + path, 2, args.connections)  # warm-up
            results[name] = wrk(base + path, args.duration, args.connections)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default="up_publications_bench")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    tmp = tempfile.mkdtemp(prefix="publications-bench-")
    database_url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = production_env(database_url, f"{tmp}/static")
    os.environ.update(env)
    print(f"Preparing {database_url} …", flush=True)
    recreate_database(args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from branches import demo as branches_demo
    from publications import demo as publications_demo

    branches_demo.load()
    publications_demo.load()
    try:
        rows = {}
        fill_to(args.small)
        connections.close_all()
        print(f"Measuring with {args.small:,} publications …", flush=True)
        small = measure(env, args)
        started = time.perf_counter()
        fill_to(args.rows)
        connections.close_all()
        print(f"Filled to {args.rows:,} in {time.perf_counter() - started:.0f} s; measuring …", flush=True)
        large = measure(env, args)
        rows = {"small": small, "large": large}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\ngunicorn {args.workers} workers, wrk 2 threads {args.connections} connections {args.duration}s each")
    print(f"{'page':<14}{'req/s 1k':>10}{'p99 ms':>9}{'req/s big':>11}{'p99 ms':>9}{'ratio':>8}{'non-2xx':>9}")
    worst = 1.0
    for name, _path in PAGES:
        s, big = rows["small"][name], rows["large"][name]
        ratio = big["rps"] / s["rps"] if s["rps"] else 0
        worst = min(worst, ratio)
        print(
            f"{name:<14}{s['rps']:>10.0f}{s['p99']:>9.1f}{big['rps']:>11.0f}{big['p99']:>9.1f}"
            f"{ratio:>8.0%}{s['errors'] + big['errors']:>9}"
        )
    print(
        f"\nworst ratio {args.rows:,} / {args.small:,} rows = {worst:.0%} (goal ≥ 80%): {'met' if worst >= 0.8 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
