"""Do the long lists stay fast as the tables grow? PostgreSQL at 1,000 and at 200,000 rows.

    .venv/bin/python bench/scaling.py [--database-url postgres://postgres@127.0.0.1:5432/wt_perf_scale]
        [--small 1000] [--large 200000] [--requests 20] [--save]

Fills a scratch PostgreSQL database (dropped and created anew: never point it at a real
one) with appeals, publications and media appearances, and times, in-process through the
whole middleware stack with production settings (DEBUG off, page cache off so every
request is rendered), each list at both sizes: the public /news/ and /press/ and the admin
changelists of appeals, publications and appearances. Prints milliseconds per request, the
share kept at the large size (small ms / large ms; goals from issue 19: /press/ ≥ 80%,
admin appeals ≥ 50%), and EXPLAIN of every query of each list that reads a big table, so a
sequential scan shows.
"""

import argparse
import datetime
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import _reset_database, production_env, save_result  # noqa: E402

BIG_TABLES = ("appeals_appeal", "publications_publication", "media_reports_mediaappearance")
PAGES = [
    ("/news/", "/news/", False),
    ("/press/", "/press/", False),
    ("/press/ page 3", "/press/?page=3", False),
    ("admin appeals", "/admin/appeals/appeal/", True),
    ("admin appeals status=new", "/admin/appeals/appeal/?status__exact=new", True),
    ("admin appeals this year", "/admin/appeals/appeal/?received_at_period=year", True),
    ("admin publications", "/admin/publications/publication/", True),
    ("admin appearances", "/admin/media_reports/mediaappearance/", True),
]
GOALS = {"/press/": 0.80, "admin appeals": 0.50}


def setup_django(database_url: str) -> None:
    tmp = tempfile.mkdtemp(prefix="union-scale-")
    env = production_env(database_url=database_url, redis_url="", static_root=f"{tmp}/static", media_root=f"{tmp}/media")
    env.update({"ALLOWED_HOSTS": "testserver,127.0.0.1", "PUBLIC_PAGE_CACHE_SECONDS": "0", "SECURE_HSTS_SECONDS": "0"})
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()


def fill(target: int) -> None:
    """Add rows until each big table holds `target`."""
    from django.utils import timezone

    from appeals.models import Appeal
    from branches.models import Organisation
    from media_reports.models import MediaAppearance, Outlet
    from publications.models import Publication

    branches = list(Organisation.objects.filter(kind="branch")) or list(Organisation.objects.all())
    outlets = list(Outlet.objects.all())
    now = timezone.now()
    statuses = ["new", "in_progress", "answered", "closed"]
    batch = 5000
    for model, make in (
        (
            Appeal,
            lambda i: Appeal(
                reference=f"S-{i:07d}",
                code_salt=secrets.token_hex(8),
                code_hash=secrets.token_hex(32),  # unique; no member will look these up
                channel="web",
                received_at=now - datetime.timedelta(minutes=7 * i),
                language="ru",
                name="Тест",
                email=f"m{i}@example.invalid",
                topic="wages",
                question="Вопрос о доплате за классное руководство.",
                status=statuses[i % 4],
                branch=branches[i % len(branches)] if i % 3 else None,
                due_date=(now - datetime.timedelta(minutes=7 * i)).date() + datetime.timedelta(days=10),
            ),
        ),
        (
            Publication,
            lambda i: Publication(
                published_at=now - datetime.timedelta(minutes=11 * i),
                title=f"Новость профсоюза №{i}",
                text="Профсоюз провёл встречу с педагогами.",
                channel="facebook",
                organisation=branches[i % len(branches)],
                language="ru",
            ),
        ),
        (
            MediaAppearance,
            lambda i: MediaAppearance(
                date=(now - datetime.timedelta(hours=3 * i)).date(),
                outlet=outlets[i % len(outlets)],
                kind="article",
                title=f"Статья о профсоюзе №{i}",
                organisation=branches[i % len(branches)],
            ),
        ),
    ):
        have = model.objects.count()
        for start in range(have, target, batch):
            model.objects.bulk_create([make(i) for i in range(start, min(start + batch, target))])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url: str, requests: int) -> tuple[float, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(requests):
            client.get(url)
        timings.append((time.perf_counter() - start) * 1000 / requests)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    plans = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or not any(f'"{table}"' in sql for table in BIG_TABLES):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            scans = [line.strip() for line in plan if "Scan" in line or "Limit" in line]
            plans.append(f"    {sql[:150]}…\n      " + "\n      ".join(scans[:6]))
    return median(timings), plans


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wt_perf_scale")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("PostgreSQL only: the point is its plans")
    _reset_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from branches.models import Organisation
    from media_reports.models import Outlet

    # A registry of the region's size (no demo data: the small size must really be small).
    regional = Organisation.objects.create(kind="regional", slug="region", name_ru="Областной совет")
    for n in range(13):
        Organisation.objects.create(kind="branch", slug=f"branch-{n}", name_ru=f"Филиал {n}", parent=regional, position=n)
    for n, (kind, level) in enumerate([("newspaper", "regional"), ("newspaper", "district"), ("tv_channel", "regional"), ("youtube_channel", "republican")]):
        Outlet.objects.create(name=f"Издание {n}", kind=kind, level=level)
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("bench-admin", "bench@example.invalid", "x")
    anonymous, staff = Client(), Client()
    staff.force_login(admin_user)

    figures = {}
    explains = []
    for size in (args.small, args.large):
        print(f"filling to {size:,} rows a table …", flush=True)
        fill(size)
        for name, url, is_admin in PAGES:
            ms, plans = measure(staff if is_admin else anonymous, url, args.requests)
            figures[(name, size)] = ms
            if size == args.large:
                explains.append(f"  {name} ({url}) at {size:,}:\n" + "\n".join(plans))
            print(f"  {name:<28}{ms:8.1f} ms", flush=True)

    lines = [f"PostgreSQL, in-process through the middleware, page cache off, median of 3 × {args.requests} requests", ""]
    lines.append(f"{'list':<28}{f'ms @ {args.small:,}':>14}{f'ms @ {args.large:,}':>16}{'kept':>8}  goal")
    for name, _url, _admin in PAGES:
        small, large = figures[(name, args.small)], figures[(name, args.large)]
        share = small / large if large else 0
        goal = GOALS.get(name)
        verdict = f"≥ {goal:.0%}: {'met' if share >= goal else 'NOT met'}" if goal else ""
        lines.append(f"{name:<28}{small:>14.1f}{large:>16.1f}{share:>8.0%}  {verdict}")
    lines += ["", "EXPLAIN at the large size (scan and limit lines of each query on a big table):", *explains]
    text = "\n".join(lines)
    print(text)
    if args.save:
        print(f"saved to {save_result('scaling', text)}")


if __name__ == "__main__":
    main()
