"""How fast the public directory and a branch page render, and how fast links normalise.

Uses its own temporary SQLite database (migrated here), the demo registry, then 1,000 extra
branches with two pages each. Prints requests per second of /branches/ and of the regional
page through Django's test client (no network, no server: the view, ORM and templates),
the queries each takes, and normalisations per second of the report's 26 links.
Goal: /branches/ with 1,000 branches under 250 ms on the standard machine; the query count
the same as with 13.

    .venv/bin/python bench/branches_directory.py [--requests 50]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DJANGO_SETTINGS_MODULE": "unionportal.settings"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from branches import demo
    from branches.choices import OrganisationKind, Platform
    from branches.demo import APPENDIX_1_LINKS
    from branches.models import Organisation, SocialPage
    from branches.normalise import normalise_social_url

    demo.load()
    client = Client(HTTP_HOST="127.0.0.1")

    def measure(url: str, label: str) -> None:
        client.get(url)
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
            client.get(url)
        start = time.perf_counter()
        for _ in range(args.requests):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        elapsed = time.perf_counter() - start
        print(f"{label:<44} {args.requests / elapsed:8.1f} req/s  {1000 * elapsed / args.requests:7.1f} ms/req  {len(queries)} queries")

    measure("/branches/", "/branches/ (13 branches)")
    measure("/branches/regional/", "/branches/regional/ (2 charts, 89 points)")
    regional = Organisation.objects.get(slug="regional")
    orgs = Organisation.objects.bulk_create(
        [Organisation(kind=OrganisationKind.BRANCH, parent=regional, name_ru=f"Филиал {i}", slug=f"bench-{i}", position=100 + i) for i in range(1000)]
    )
    SocialPage.objects.bulk_create(
        [SocialPage(organisation=o, platform=p, url=f"https://www.{p}.com/bench{o.pk}/", handle=f"bench{o.pk}") for o in orgs for p in (Platform.INSTAGRAM, Platform.FACEBOOK)]
    )
    measure("/branches/", "/branches/ (1,013 branches, 2,026 pages)")

    links = [url for _slug, ig, fb in APPENDIX_1_LINKS for url in (ig, fb)]
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        for url in links:
            normalise_social_url(url)
    elapsed = time.perf_counter() - start
    print(f"{'normalise_social_url (report links)':<44} {rounds * len(links) / elapsed:8.0f} links/s")


if __name__ == "__main__":
    main()
