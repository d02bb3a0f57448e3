"""Importing an appeals register of 20,000 rows (issue 13): the time of the preview (every
row checked and saved, then rolled back) and of the import, and the peak memory.

Builds the register in memory (XLSX by default, or CSV), with the columns of
docs/appeals.md: every row a closed appeal with a name, a phone typed the ways staff type
them, an answer and its date; then runs the shared mechanism exactly as the admin does
(`unionportal.spreadsheets.run_import`). Its own SQLite database in a temporary directory
unless --database-url is given. Goal: under 60 s for the import on the 2-core machine,
peak memory under 500 MB.

    .venv/bin/python bench/appeals_import.py [--rows 20000] [--format xlsx|csv]
        [--database-url postgres://postgres@127.0.0.1:5432/wt_appeals_channels]
"""

import argparse
import datetime
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHONES = ("8 701 {a} {b} {c}", "+7 (701) {a}-{b}-{c}", "701{a}{b}{c}", "+7 701 {a} {b}{c}")
CHANNELS = ("WhatsApp", "Instagram", "phone", "Facebook", "visit", "e-mail")
TOPICS = ("wages", "leave", "Оплата труда", "labour_rights", "workload")


def register_rows(count: int, organisations: list[str]):
    start = datetime.datetime(2023, 1, 9, 9, 0)  # noqa: DTZ001 - a spreadsheet cell holds a wall-clock time
    for i in range(count):
        received = start + datetime.timedelta(minutes=25 * i)
        answered = received + datetime.timedelta(days=2, hours=3)
        phone = PHONES[i % len(PHONES)].format(a=f"{i // 10000 % 1000:03d}", b=f"{i // 100 % 100:02d}", c=f"{i % 100:02d}")
        yield [
            received, CHANNELS[i % len(CHANNELS)], TOPICS[i % len(TOPICS)], organisations[i % len(organisations)],
            f"Демо Участник {i}", phone, f"Вопрос {i}: когда будет доплата за классное руководство?",
            "closed", "Доплата будет начислена в следующем месяце.", answered, "ru" if i % 3 else "kk",
        ]


HEADER = ["received_at", "channel", "topic", "organisation", "name", "contact", "question", "status", "answer", "answered_at", "language"]


def build(count: int, fmt: str, organisations: list[str]) -> bytes:
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        for row in register_rows(count, organisations):
            writer.writerow([v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime.datetime) else v for v in row])
        return buffer.getvalue().encode("utf-8")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("register")
    sheet.append(HEADER)
    for row in register_rows(count, organisations):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--debug-cursor", action="store_true", help="time and keep every query, as DEBUG=1 does (the figures before December 2026)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="appeals-import-bench-")
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.SPREADSHEET_MAX_ROWS = max(settings.SPREADSHEET_MAX_ROWS, args.rows)
    # DEBUG=1 (set above so that the settings need no secrets) also wraps every query in the
    # debug cursor, which times, formats and keeps it; production and the Celery worker do not.
    settings.DEBUG = args.debug_cursor
    call_command("migrate", verbosity=0)

    from accounts.roles import Role
    from appeals.imports import AppealImporter
    from appeals.models import Appeal
    from branches.models import Organisation
    from tests.accounts.factories import UserFactory
    from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory
    from unionportal.spreadsheets import run_import

    regional = Organisation.objects.filter(kind="regional").first() or RegionalOrganisationFactory()
    slugs = []
    for n in range(12):
        slug = f"bench-branch-{n}"
        Organisation.objects.filter(slug=slug).exists() or OrganisationFactory(slug=slug, name_ru=f"Филиал {n}", parent=regional)
        slugs.append(slug)
    staff = UserFactory(username=f"bench-{time.time_ns()}", role=Role.REGIONAL_STAFF, role__organisation=regional)
    Appeal.objects.filter(question__startswith="Вопрос ", question__contains="классное руководство").delete()

    started = time.perf_counter()
    content = build(args.rows, args.format, slugs)
    built = time.perf_counter() - started
    print(f"register: {args.rows:,} rows, {args.format}, {len(content) / 1e6:.1f} MB, built in {built:.1f} s")
    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")

    started, cpu = time.perf_counter(), time.process_time()
    preview = run_import(AppealImporter(user=staff), content, commit=False)
    preview_s, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert preview.ok, preview.error_lines()[:5]
    assert Appeal.objects.filter(question__contains="классное руководство").count() == 0

    started, cpu = time.perf_counter(), time.process_time()
    report = run_import(AppealImporter(user=staff), content, commit=True)
    import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.ok, report.error_lines()[:5]
    stored = Appeal.objects.filter(question__contains="классное руководство").count()
    assert stored == args.rows, stored

    print(f"debug cursor: {'on' if args.debug_cursor else 'off'}")
    print(f"preview (checked, saved, rolled back): {preview_s:.1f} s ({preview_cpu:.1f} s of CPU)")
    print(f"import: {import_s:.1f} s ({import_cpu:.1f} s of CPU), {args.rows / import_s:,.0f} rows/s, {stored:,} appeals stored  (goal < 60 s: {'met' if import_s < 60 else 'NOT met'})")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(f"peak memory: {peak_mb():.0f} MB  (goal < 500 MB: {'met' if peak_mb() < 500 else 'NOT met'})")


if __name__ == "__main__":
    main()
