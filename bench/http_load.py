"""Throughput of the public pages under gunicorn with production settings, each against a
truly bare view of the same server (see bench/harness.py for how it is paired and why).

    .venv/bin/python bench/http_load.py [--duration 5] [--rounds 3] [--connections 16]
        [--workers 3] [--database-url postgres://…] [--redis-url redis://127.0.0.1:6379/13] [--save]

Anonymous visitors, Redis cache as deployed. Goals from issue 19.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Page, PortalServer, measure_pages, print_report, save_result  # noqa: E402

PAGES = [
    Page("/ anonymous", "/"),
    Page("/appeal/ GET anonymous", "/appeal/"),
    Page("/news/ anonymous", "/news/"),
    Page("/press/ anonymous", "/press/"),
    Page("/giveaways/ anonymous", "/giveaways/"),
    Page("/branches/ anonymous", "/branches/"),
]
GOALS = {
    "/ anonymous": 0.60,
    "/appeal/ GET anonymous": 0.50,
    "/news/ anonymous": 0.50,
    "/press/ anonymous": 0.50,
    "/giveaways/ anonymous": 0.50,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--save", action="store_true", help="keep the output in bench/results/http_load.txt")
    args = parser.parse_args()
    with PortalServer(workers=args.workers, database_url=args.database_url, redis_url=args.redis_url) as server:
        results = measure_pages(server, PAGES, rounds=args.rounds, duration=args.duration, connections=args.connections)
    title = f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, {args.rounds} rounds × {args.duration} s per side"
    text = print_report(results, title=title, goals=GOALS)
    if args.save:
        print(f"saved to {save_result('http_load', text)}")


if __name__ == "__main__":
    main()
