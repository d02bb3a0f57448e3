"""Does /news/ stay fast as the log grows? 1,000 and 200,000 publications, under gunicorn as
deployed, each page paired with the bare view of the same server (bench/harness.py).

    .venv/bin/python bench/publications_news_load.py [--rows 200000] [--small 1000] [--duration 5]
        [--rounds 3] [--connections 16] [--workers 3]
        [--database-url postgres://postgres@127.0.0.1:5432/up_publications_bench] [--save]

A fresh PostgreSQL database (dropped and made again) with the demo data, topped up to
`--small` publications; the list and its filters are measured; then the log grows to
`--rows` (bulk inserts, ANALYZE) and the same pages are measured again on the same
server. The public page cache is off, so the view itself is measured. "kept" is the CPU
per request at the small size over that at the large size (≥ 100% means no growth), and
the share of the bare view at each size. Goal (issue 19): every page keeps ≥ 80%.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Page, PortalServer, measure_pages, print_report, save_result  # noqa: E402

ALMATY = ZoneInfo("Asia/Almaty")
PAGES = [
    ("/news/", "/news/"),
    ("rubric", "/news/?rubric=chelovek-truda"),
    ("year 2023", "/news/?year=2023"),
    ("organisation", "/news/?organisation=saran"),
    ("channel", "/news/?channel=instagram"),
]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/up_publications_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--save", action="store_true", help="keep the output in bench/results/publications_news_load.txt")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("this bench needs PostgreSQL (--database-url postgres://…)")
    extra_env = {"PUBLIC_PAGE_CACHE_SECONDS": "0"}
    pages = [Page(name, path) for name, path in PAGES]
    with PortalServer(workers=args.workers, database_url=args.database_url, redis_url=args.redis_url, extra_env=extra_env) as server:
        os.environ.update(server.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "unionportal.settings"
        import django

        django.setup()
        from django.db import connections

        fill_to(args.small)
        connections.close_all()
        small = measure_pages(server, pages, rounds=args.rounds, duration=args.duration, connections=args.connections)
        started = time.perf_counter()
        fill_to(args.rows)
        connections.close_all()
        print(f"Filled to {args.rows:,} in {time.perf_counter() - started:.0f} s; measuring …", flush=True)
        large = measure_pages(server, pages, rounds=args.rounds, duration=args.duration, connections=args.connections)
    head = f"gunicorn {args.workers} sync workers, page cache off, wrk 2 threads × {args.connections} connections, {args.rounds} rounds × {args.duration} s per side"
    text = print_report(small, title=f"{head}\n{args.small:,} publications") + "\n"
    text += print_report(large, title=f"{args.rows:,} publications") + "\n"
    lines = [f"{'page':<16}{'cpu ms 1k':>10}{'cpu ms big':>11}{'kept':>7}{'share 1k':>10}{'share big':>10}"]
    worst = 10.0
    for s, big in zip(small, large, strict=True):
        cpu_s, cpu_b = median(r.cpu_ms_per_request for r in s.runs), median(r.cpu_ms_per_request for r in big.runs)
        kept = cpu_s / cpu_b if cpu_b else 0
        worst = min(worst, kept)
        lines.append(f"{s.page.name:<16}{cpu_s:>10.2f}{cpu_b:>11.2f}{kept:>7.0%}{s.ratio:>10.0%}{big.ratio:>10.0%}")
    lines.append(f"worst kept (CPU per request, {args.small:,} over {args.rows:,} rows) = {worst:.0%} (goal ≥ 80%): {'met' if worst >= 0.8 else 'NOT met'}")
    print("\n".join(lines))
    text += "\n".join(lines)
    if args.save:
        print(f"saved to {save_result('publications_news_load', text)}")


if __name__ == "__main__":
    main()
