"""How long the one spreadsheet mechanism takes over a file at the row limit.

Uses its own temporary SQLite database (migrated here) and the demo registry, then a CSV
and an XLSX of SPREADSHEET_MAX_ROWS (20,000) publications naming organisations by their
Russian names. Prints the seconds of reading the file, of the preview (every row checked
and saved in a rolled-back transaction) and of the import, and the queries per row.
Goal: a 20,000-row preview and import each within the Celery task's soft limit (30 min),
reading under 10 s; the queries per row do not grow with the file.

    .venv/bin/python bench/spreadsheet_import.py [--rows 20000]
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
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--debug-cursor", action="store_true", help="time and keep every query, as DEBUG=1 does (the figures before December 2026)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.update({"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DJANGO_SETTINGS_MODULE": "unionportal.settings"})
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # DEBUG=1 spares the settings their secrets, but also wraps every query in the debug
    # cursor (timed, formatted, kept); production and the Celery worker run without it.
    settings.DEBUG = args.debug_cursor
    settings.SPREADSHEET_MAX_ROWS = max(settings.SPREADSHEET_MAX_ROWS, args.rows)
    from django.db import connection

    call_command("migrate", verbosity=0)
    from branches import demo as branches_demo
    from branches.models import Organisation
    from publications.imports import PublicationImporter
    from unionportal import spreadsheets as sp

    branches_demo.load()
    names = list(Organisation.objects.exclude(kind="primary").values_list("name_ru", flat=True))
    header = ["published_at", "title", "channel", "organisation", "rubric", "url", "views"]
    rows = [
        [f"{1 + i % 28:02d}.{1 + i % 12:02d}.2024", f"Публикация №{i}", "facebook", names[i % len(names)],
         "Человек труда" if i % 5 == 0 else "", f"https://www.facebook.com/profsoyuz310krg/posts/{10_000_000 + i}", i % 900]
        for i in range(args.rows)
    ]
    files = {"csv": sp.write_csv(header, rows), "xlsx": sp.write_xlsx({"p": (header, rows)})}
    for kind, content in files.items():
        started = time.perf_counter()
        table = sp.read_table(content, columns=PublicationImporter.columns)
        read = time.perf_counter() - started
        print(f"{kind}: {len(content) / 1e6:.1f} MB, {len(table.rows)} rows read in {read:.1f} s")
    content = files["csv"]
    for commit in (False, True):
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            report = sp.run_import(PublicationImporter(), content, commit=commit)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.ok, report.error_lines()[:3]
        step = "import" if commit else "preview"
        print(f"{step}: {args.rows} rows in {took:.1f} s ({cpu:.1f} s of CPU, {args.rows / took:.0f} rows/s), "
              f"{len(queries)} queries ({len(queries) / args.rows:.2f} per row)")
    print(f"debug cursor: {'on' if args.debug_cursor else 'off'}; load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
