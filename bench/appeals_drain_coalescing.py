"""How many e-mail drains a live Celery worker runs for appeals sent back to back.

    .venv/bin/python bench/appeals_drain_coalescing.py --database-url postgres://…/perf_drain
        [--redis-url redis://127.0.0.1:6379/13] [--appeals 1000] [--concurrency 2] [--prepare]

A new appeal publishes `send_received_notifications` only when none is queued and not yet
started (appeals/tasks.py). bench/appeals_post_load.py runs no worker, so there the first
publish serves every later appeal: this bench says what a worker that takes each drain as
it comes leaves of that. It POSTs valid appeals through Django's test client (production
settings, e-mail to a dummy backend) while a worker of `--concurrency` processes consumes
the broker, then waits for the outbox to empty, and prints the publishes per appeal and
whether every appeal was e-mailed. Needs the broker and the cache on the same Redis (as
deployed). The database's earlier appeals are marked e-mailed first, so only these count.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_pages import appeal_data, start_in_process  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/perf_drain")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--appeals", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--prepare", action="store_true")
    args = parser.parse_args()
    start_in_process(
        database_url=args.database_url, redis_url=args.redis_url, prepare_first=args.prepare, extra={"EMAIL_URL": "dummymail://"}
    )
    from django.test import Client
    from django.utils import timezone

    from appeals.models import Appeal

    Appeal.objects.filter(notified_at__isnull=True).update(notified_at=timezone.now())
    log_path = ROOT / "var" / "bench-drain-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "unionportal", "worker", "-l", "INFO", "-c", str(args.concurrency),
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        client = Client()
        bodies = [urlencode(appeal_data()) for _ in range(args.appeals)]
        first_pk = (Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        started = time.perf_counter()
        for body in bodies:
            client.cookies.pop("messages", None)  # a browser's status page would consume it
            response = client.post("/appeal/", body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 302, response.status_code
        sent_in = time.perf_counter() - started
        ours = Appeal.objects.filter(pk__gte=first_pk)
        deadline = time.monotonic() + 120
        while ours.filter(notified_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        emptied_in = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
    text = log_path.read_text()
    drains = sum(1 for line in text.splitlines() if "send_received_notifications[" in line and line.rstrip().endswith("received"))
    stored, unsent = ours.count(), ours.filter(notified_at__isnull=True).count()
    print(f"{args.appeals} appeals POSTed in {sent_in:.1f} s ({args.appeals / sent_in:.0f}/s), worker concurrency {args.concurrency}: "
          f"{drains} drains published ({drains / max(1, stored):.2f} per appeal, one per {stored / max(1, drains):.1f}); "
          f"stored {stored}, not e-mailed {unsent}; outbox empty {emptied_in:.1f} s after the first POST")
    print("OK" if stored == args.appeals and unsent == 0 else "FAILED")
    sys.exit(0 if stored == args.appeals and unsent == 0 else 1)


if __name__ == "__main__":
    main()
