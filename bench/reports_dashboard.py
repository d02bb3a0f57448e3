"""The reports at full size: the rollup of one year and the dashboard, with 10 years of data
for 13 organisations (≥ 500,000 publications, 150,000 appeals, 50,000 media appearances).

Uses its own PostgreSQL database (default `up_reports_bench`, emptied at the start) and the
real models of the other parts, filled with bulk_create. It first loads 1% of the data,
rolls up every year and times the dashboard; then adds the other 99%, times the rollup of
each year and the dashboard again. Goals: the rollup of one year < 60 s; the dashboard in a
handful of queries, median < 150 ms, and at full size ≤ 1.5× its time with 1% of the data
(it reads rollups only). Prints the figures; nothing is asserted.

    .venv/bin/python bench/reports_dashboard.py [--scale 1.0] [--requests 40] [--database up_reports_bench]
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ALMATY = ZoneInfo("Asia/Almaty")
YEARS = list(range(2015, 2025))
FULL = {"publications": 500_000, "appeals": 150_000, "media": 50_000}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size (1.0 = 500k publications)")
    parser.add_argument("--requests", type=int, default=40, help="dashboard requests per measure")
    parser.add_argument("--database", default="up_reports_bench")
    return parser.parse_args()


def setup_django(database):
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{database}"')
    conn.close()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, and response contexts
    call_command("migrate", verbosity=0)


def empty_tables():
    from django.db import connection

    tables = [
        "reports_yearlyfigure",
        "reports_rollup",
        "publications_publication_topics",
        "publications_publication",
        "appeals_appealevent",
        "appeals_appeal",
        "media_reports_mediaappearance_speakers",
        "media_reports_mediaappearance",
    ]
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")


def world():
    """The 13 organisations of Appendix 1, two primaries under each branch, outlets, rubrics, a chair."""
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_assign_role
    from branches import demo as branches_demo
    from branches.choices import OrganisationKind
    from branches.models import Organisation
    from media_reports.models import Outlet
    from publications.models import Rubric

    branches_demo.load()
    regional = Organisation.objects.get(slug="regional")
    orgs = list(Organisation.objects.filter(kind__in=[OrganisationKind.REGIONAL, OrganisationKind.BRANCH]))
    for branch in orgs:
        if branch.kind == OrganisationKind.BRANCH:
            for n in (1, 2):
                Organisation.objects.get_or_create(
                    slug=f"bench-{branch.slug}-{n}",
                    defaults={
                        "kind": OrganisationKind.PRIMARY,
                        "parent": branch,
                        "name_ru": f"Школа №{n} ({branch.slug})",
                    },
                )
    all_orgs = list(Organisation.objects.values_list("pk", flat=True))
    outlets = []
    for level in ("republican", "regional", "district"):
        for kind in ("newspaper", "tv_channel", "youtube_channel"):
            outlet, _c = Outlet.objects.get_or_create(
                name=f"Bench {level} {kind}", defaults={"kind": kind, "level": level}
            )
            outlets.append(outlet)
    rubrics = [
        Rubric.objects.get_or_create(slug=f"bench-rubric-{n}", defaults={"name": f"Рубрика {n}"})[0] for n in range(6)
    ]
    chair, _c = User.objects.get_or_create(username="bench-chair")
    user_assign_role(user=chair, role=Role.CHAIR, organisation=regional)
    return all_orgs, outlets, rubrics, chair


def moment(rng, year):
    return dt.datetime(year, 1, 1, tzinfo=ALMATY) + dt.timedelta(seconds=rng.randrange(365 * 86400))


def fill(*, share, offset, orgs, outlets, rubrics, rng):
    """bulk_create `share` of the full size; `offset` keeps unique fields unique across calls."""
    from appeals.models import Appeal
    from media_reports.models import MediaAppearance
    from publications.models import Publication

    channels = ["facebook", "instagram", "telegram", "website", "leaflet", "bulletin", "stand"]
    started = time.monotonic()
    n_pub = int(FULL["publications"] * share)
    batch = []
    for n in range(n_pub):
        batch.append(
            Publication(
                published_at=moment(rng, rng.choice(YEARS)),
                title=f"Новость {offset + n}",
                channel=rng.choice(channels),
                organisation_id=rng.choice(orgs),
                rubric=rng.choice(rubrics) if rng.random() < 0.3 else None,
            )
        )
        if len(batch) == 10_000:
            Publication.objects.bulk_create(batch)
            batch = []
    Publication.objects.bulk_create(batch)

    n_app = int(FULL["appeals"] * share)
    batch = []
    topics = ["wages", "labour_rights", "leave", "workload", "social_support", "other"]
    for n in range(n_app):
        received = moment(rng, rng.choice(YEARS))
        answered = received + dt.timedelta(hours=rng.randrange(1, 400)) if rng.random() < 0.9 else None
        batch.append(
            Appeal(
                reference=f"B-{offset + n}",
                code_salt="bench",
                code_hash=f"bench-{offset + n}",
                channel=rng.choice(["web", "whatsapp", "facebook", "instagram", "phone"]),
                received_at=received,
                branch_id=rng.choice(orgs) if rng.random() < 0.8 else None,
                topic=rng.choice(topics),
                question="Вопрос",
                status="closed" if answered else "new",
                due_date=(received + dt.timedelta(days=15)).date(),
                first_answered_at=answered,
                answered_at=answered,
                rating=rng.choice(["", "helpful", "not_helpful"]) if answered else "",
            )
        )
        if len(batch) == 10_000:
            Appeal.objects.bulk_create(batch)
            batch = []
    Appeal.objects.bulk_create(batch)

    n_media = int(FULL["media"] * share)
    batch = []
    papers = [o for o in outlets if o.kind == "newspaper"]
    for n in range(n_media):
        # Mostly press, as in the report; a few broadcasts and videos.
        outlet = rng.choice(papers) if rng.random() < 0.9 else rng.choice(outlets)
        kind = {"newspaper": "article", "tv_channel": "tv_broadcast", "youtube_channel": "video"}[outlet.kind]
        batch.append(
            MediaAppearance(
                date=moment(rng, rng.choice(YEARS)).date(),
                outlet=outlet,
                kind=kind,
                title=f"Материал {offset + n}",
                organisation_id=rng.choice(orgs),
            )
        )
        if len(batch) == 10_000:
            MediaAppearance.objects.bulk_create(batch)
            batch = []
    MediaAppearance.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return n_pub, n_app, n_media, time.monotonic() - started


def rollup_all():
    from reports.services import rollup_year

    timings = {}
    for year in YEARS:
        started = time.monotonic()
        rollup_year(year=year)
        timings[year] = time.monotonic() - started
    return timings


def time_dashboard(chair, requests):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(chair)
    url = "/dashboard/?year=2024"
    for _warm in range(3):
        assert client.get(url).status_code == 200
    reset_queries()  # request_started empties the log, which would skew the capture
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings = []
    for _n in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    started = time.perf_counter()
    docx = client.get("/dashboard/report/2024.docx")
    docx_ms = (time.perf_counter() - started) * 1000
    assert docx.status_code == 200
    timings.sort()
    return {
        "queries": len(queries.captured_queries),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "docx_ms": docx_ms,
    }


def main():
    args = parse_args()
    setup_django(args.database)
    from reports.models import YearlyFigure

    rng = random.Random(2024)
    empty_tables()
    orgs, outlets, rubrics, chair = world()

    small_share = args.scale * 0.01
    n_pub, n_app, n_media, seconds = fill(
        share=small_share, offset=0, orgs=orgs, outlets=outlets, rubrics=rubrics, rng=rng
    )
    print(
        f"1% of the data: {n_pub:,} publications, {n_app:,} appeals, {n_media:,} media appearances ({seconds:.0f} s to load)"
    )
    rollup_all()
    small = time_dashboard(chair, args.requests)
    print(f"  figures stored: {YearlyFigure.objects.count():,} rows")
    print(
        f"  dashboard: {small['queries']} queries, median {small['median_ms']:.1f} ms, p95 {small['p95_ms']:.1f} ms; DOCX {small['docx_ms']:.0f} ms"
    )

    more = fill(share=args.scale - small_share, offset=10_000_000, orgs=orgs, outlets=outlets, rubrics=rubrics, rng=rng)
    n_pub, n_app, n_media = n_pub + more[0], n_app + more[1], n_media + more[2]
    print(
        f"Full size: {n_pub:,} publications, {n_app:,} appeals, {n_media:,} media appearances ({more[3]:.0f} s to load)"
    )
    timings = rollup_all()
    for year, seconds in timings.items():
        print(f"  rollup {year}: {seconds:.1f} s")
    worst = max(timings.values())
    full = time_dashboard(chair, args.requests)
    print(f"  figures stored: {YearlyFigure.objects.count():,} rows")
    print(
        f"  dashboard: {full['queries']} queries, median {full['median_ms']:.1f} ms, p95 {full['p95_ms']:.1f} ms; DOCX {full['docx_ms']:.0f} ms"
    )

    ratio = full["median_ms"] / small["median_ms"]
    print()
    print(f"rollup of one year: worst {worst:.1f} s (goal < 60 s): {'met' if worst < 60 else 'NOT met'}")
    print(
        f"dashboard queries: {full['queries']} (goal: a handful, the same at both sizes: {small['queries']} → {full['queries']})"
    )
    print(
        f"dashboard median: {full['median_ms']:.1f} ms (goal < 150 ms): {'met' if full['median_ms'] < 150 else 'NOT met'}"
    )
    print(f"full size / 1%: {ratio:.2f}× (goal ≤ 1.5×): {'met' if ratio <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
