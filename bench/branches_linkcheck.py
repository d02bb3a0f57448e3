"""How long the link check takes, against a local server that answers slowly.

Starts a local HTTP server whose every answer takes --delay seconds, makes --links social
pages pointing at it in a temporary SQLite database, and runs the checker. With a bounded
pool of LINK_CHECK_CONCURRENCY threads the time should be about links × delay ÷ concurrency;
prints the time, the links per second, and that every link was recorded once.

    .venv/bin/python bench/branches_linkcheck.py [--links 200] [--delay 0.2] [--concurrency 4]
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    class Slow(BaseHTTPRequestHandler):
        def do_HEAD(self):
            time.sleep(args.delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    tmp = tempfile.mkdtemp()
    os.environ.update({
        "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "DJANGO_SETTINGS_MODULE": "unionportal.settings",
        "LINK_CHECK_CONCURRENCY": str(args.concurrency), "LINK_CHECK_TIMEOUT_SECONDS": "5",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from branches.choices import OrganisationKind, Platform
    from branches.linkcheck import check_link_batch
    from branches.models import Organisation, SocialPage

    regional = Organisation.objects.create(kind=OrganisationKind.REGIONAL, name_ru="Областная", slug="regional")
    pages = SocialPage.objects.bulk_create(
        [SocialPage(organisation=regional, platform=Platform.WEBSITE, url=f"{base}/page-{i}") for i in range(args.links)]
    )
    start = time.perf_counter()
    ids = [p.pk for p in pages]
    for i in range(0, len(ids), 50):
        check_link_batch(model=SocialPage, ids=ids[i : i + 50])
    elapsed = time.perf_counter() - start
    checked = SocialPage.objects.filter(link_checked_at__isnull=False, link_status_code=200).count()
    ideal = args.links * args.delay / args.concurrency
    print(f"{args.links} links, {args.delay:.2f} s each, {args.concurrency} at a time: {elapsed:.2f} s "
          f"(ideal {ideal:.2f} s), {args.links / elapsed:.1f} links/s, {checked}/{args.links} recorded")
    server.shutdown()


if __name__ == "__main__":
    main()
