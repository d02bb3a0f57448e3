"""The annual report's files: how long the DOCX and the PDF of one year take to make, with
the demo data (`python manage.py load_demo` first) in the configured database. Goal: the PDF
in under 5 s on the shared 2-core machine, the DOCX in under 1 s. Prints the figures (median
of `--rounds`, and the PDF's page count); nothing is asserted.

    DEBUG=1 .venv/bin/python bench/reports_documents.py [--year 2024] [--rounds 5]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from pypdf import PdfReader

    from accounts.models import User
    from reports.docx_report import build_report
    from reports.pdf_report import build_pdf

    chair = User.objects.get(username="chair")
    for language in ("ru", "kk"):
        for name, build in (("DOCX", build_report), ("PDF", build_pdf)):
            times, content = [], b""
            for _ in range(args.rounds):
                started = time.perf_counter()
                content = build(user=chair, year=args.year, language=language)
                times.append(time.perf_counter() - started)
            extra = f", {len(PdfReader(io.BytesIO(content)).pages)} pages" if name == "PDF" else ""
            print(
                f"{args.year} {language} {name}: median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s, {len(content) // 1024} KiB{extra}"
            )


if __name__ == "__main__":
    main()
