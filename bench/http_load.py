"""Throughput of the public pages under gunicorn with production settings, each against a
truly bare view of the same server (see bench/harness.py for how it is paired and why).

    .venv/bin/python bench/http_load.py [--duration 5] [--rounds 3] [--connections 16]
        [--workers 3] [--database-url postgres://…] [--redis-url redis://127.0.0.1:6379/10] [--only NAME] [--save]

Anonymous visitors (pages from the Redis cache as deployed, with versioned keys) and a
logged-in member (pages rendered fresh). Goals from issue 19.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Page, PortalServer, measure_pages, print_report, save_result  # noqa: E402

ANONYMOUS = [
    ("/", "/"),
    ("/appeal/ GET", "/appeal/"),
    ("/news/", "/news/"),
    ("/news/<id>/", "{news}"),
    ("/press/", "/press/"),
    ("/giveaways/", "/giveaways/"),
    ("/branches/", "/branches/"),
    ("/branches/<slug>/", "{branch}"),
    ("/appeal/faq/", "/appeal/faq/"),
]
MEMBER = [("/news/", "/news/"), ("/press/", "/press/"), ("/giveaways/", "/giveaways/"), ("/appeal/ GET", "/appeal/")]
GOALS = {
    "/ anonymous": 0.60,
    "/appeal/ GET anonymous": 0.50,
    "/news/ anonymous": 0.50,
    "/press/ anonymous": 0.50,
    "/giveaways/ anonymous": 0.50,
    **{f"{name} member": 0.25 for name, _path in MEMBER if "appeal" not in name},
}


def pages_for(server) -> list[Page]:
    ids = server.shell(
        "from publications.models import Publication\n"
        "from branches.models import Organisation\n"
        "print(Publication.objects.order_by('-published_at').values_list('pk', flat=True).first())\n"
        "print(Organisation.objects.filter(kind='branch').values_list('slug', flat=True).first())"
    ).splitlines()[-2:]
    where = {"news": f"/news/{ids[0]}/", "branch": f"/branches/{ids[1]}/"}
    cookie = server.member_cookie()
    pages = [Page(f"{name} anonymous", path.format(**where)) for name, path in ANONYMOUS]
    pages += [Page(f"{name} member", path, headers=(("Cookie", cookie),)) for name, path in MEMBER]
    return pages


def head_status(server) -> int:
    import urllib.request

    request = urllib.request.Request(server.base + "/", method="HEAD")  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    parser.add_argument("--save", action="store_true", help="keep the output in bench/results/http_load.txt")
    args = parser.parse_args()
    with PortalServer(workers=args.workers, database_url=args.database_url, redis_url=args.redis_url) as server:
        pages = [p for p in pages_for(server) if args.only in p.name]
        head = head_status(server)
        results = measure_pages(server, pages, rounds=args.rounds, duration=args.duration, connections=args.connections)
        served = sum(run.requests for result in results for run in (*result.runs, *result.bare))
        rss = server.worker_rss_mb()
    title = f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, {args.rounds} rounds × {args.duration} s per side"
    memory = f"worker memory after {served:,} requests ({served // max(len(rss), 1):,} a worker): " + ", ".join(f"{mb:.0f} MB" for mb in rss) + " (goal < 120 MB)"
    text = print_report(results, title=title, goals=GOALS) + f"\nHEAD / answered {head}\n{memory}"
    print(f"HEAD / answered {head}\n{memory}")
    if args.save:
        print(f"saved to {save_result('http_load', text)}")


if __name__ == "__main__":
    main()
