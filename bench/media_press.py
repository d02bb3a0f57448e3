"""How fast /press/ renders and a 1,000-row import runs, with many appearances.

Uses its own temporary SQLite database (migrated here), the demo data of the registry and
the media part, then 10,000 extra appearances with a speaker each. Prints requests per
second of /press/ (first page, a filtered page, a deep page) and of a detail page through
Django's test client (view, ORM and templates; no server), the queries each takes, and the
time of a 1,000-row CSV import.
Goal: /press/ under 150 ms with 10,000 appearances, the query count the same as with the
demo's ~110; a 1,000-row import under 10 s.

    .venv/bin/python bench/media_press.py [--requests 50]
"""

import argparse
import csv
import datetime
import io
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
    from branches import demo as branches_demo
    from branches.models import Organisation
    from media_reports import demo
    from media_reports.choices import AppearanceKind
    from media_reports.imports import COLUMNS, AppearanceImporter
    from media_reports.models import MediaAppearance, Outlet, Programme, Speaker

    branches_demo.load()
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
        print(f"{label:<46} {args.requests / elapsed:8.1f} req/s  {1000 * elapsed / args.requests:7.1f} ms/req  {len(queries)} queries")

    demo_count = MediaAppearance.objects.count()
    measure("/press/", f"/press/ ({demo_count} demo appearances)")

    programme = Programme.objects.get(name="Вадут")
    speaker = Speaker.objects.get(name="Ракишева А.")
    orgs = list(Organisation.objects.all())
    rows = MediaAppearance.objects.bulk_create(
        MediaAppearance(
            date=datetime.date(2015, 1, 1) + datetime.timedelta(days=i % 3650),
            outlet=programme.outlet,
            programme=programme,
            kind=AppearanceKind.TV_BROADCAST,
            title=f"Эфир {i}",
            organisation=orgs[i % len(orgs)],
            link=f"https://youtu.be/bench{i % 1000:06d}",
        )
        for i in range(10_000)
    )
    Through = MediaAppearance.speakers.through
    Through.objects.bulk_create(Through(mediaappearance_id=r.pk, speaker_id=speaker.pk) for r in rows)
    total = MediaAppearance.objects.count()
    measure("/press/", f"/press/ ({total} appearances)")
    measure("/press/?year=2020&kind=tv_broadcast&level=regional", "/press/ filtered by year, kind, level")
    measure("/press/?page=400", "/press/?page=400")
    measure(f"/press/{rows[0].pk}/", "/press/<id>/")

    outlet = Outlet.objects.get(name="Қазақстан кәсіподағы")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(1000):
        writer.writerow(["2021-03-01", outlet.name, "", "article", f"Импорт {i}", "Ракишева А.", "regional", "ru", "", "", "", ""])
    from accounts.models import User

    admin = User.objects.create(username="bench-admin", is_superuser=True, is_staff=True)
    start = time.perf_counter()
    from unionportal.spreadsheets import import_or_raise

    created = import_or_raise(AppearanceImporter(user=admin), out.getvalue().encode()).counts.get("created", 0)
    elapsed = time.perf_counter() - start
    print(f"{'import 1,000 CSV rows':<46} {elapsed:8.2f} s  ({created} created)")


if __name__ == "__main__":
    main()
