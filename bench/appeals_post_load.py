"""Members sending appeals at once: the public form's GET and a valid POST under gunicorn as
deployed, each paired with the bare view of the same server (bench/harness.py).

    .venv/bin/python bench/appeals_post_load.py [--duration 5] [--rounds 3] [--connections 16]
        [--workers 3] [--database-url postgres://…] [--redis-url redis://127.0.0.1:6379/10] [--save]

The POST is driven by wrk with bench/wrk/appeal_post.lua: each thread GETs the form for
the CSRF cookie and token, then POSTs valid appeals, each with a one-time form token of
its own, signed with the server's key just before each run (what a GET would have handed
out). Each appeal comes from a member's address of its own, named by X-Forwarded-For as
nginx names it (the bench trusts 127.0.0.1 as the proxy, `TRUSTED_PROXIES`), so the hourly
limit per address and the minimum fill time are the deployed ones (the tokens are dated two
minutes back). It checks that nothing is lost: every 302 answer (the redirect
to the status page) has its appeal stored, over every run including the warm-up (stored
may exceed the 302s by the requests in flight when wrk stops), and no 4xx or 5xx.
Goals (issue 19): the GET ≥ 50% of the bare view, the POST ≥ 20%.

Two floors are measured beside the form, on the same server in the same run (the server
runs bench/floor_settings.py: the portal's URLs and two bench-only views after them,
bench/floor_views.py): the appeal's two rows written in one transaction and nothing else,
and the submission service called straight from the POST. They say how much of the POST's
cost is the database's and the service's, and so how far the form's goal is from what this
stack can do with the same rows.
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Page, PortalServer, measure_pages, print_report, save_result  # noqa: E402

SCRIPT = ROOT / "bench" / "wrk" / "appeal_post.lua"
QUESTION = "Нагрузочный тест: почему не доплатили за классное руководство?"
GOALS = {"/appeal/ GET anonymous": 0.50, "/appeal/ POST valid": 0.20}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--save", action="store_true", help="keep the output in bench/results/appeals_post_load.txt")
    args = parser.parse_args()
    extra_env = {"TRUSTED_PROXIES": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}
    with PortalServer(workers=args.workers, database_url=args.database_url, redis_url=args.redis_url, extra_env=extra_env) as server:
        # This process reads the server's database and signs its tokens with its key.
        os.environ.update(server.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "unionportal.settings"
        import django

        django.setup()
        from django.core import signing

        from appeals.models import Appeal
        from appeals.protection import TOKEN_SALT
        from branches.models import Organisation

        branch = Organisation.objects.filter(kind="branch").order_by("pk").first()
        stored_before = Appeal.objects.count()
        tokens = Path(server.tmp) / "form-tokens.txt"
        os.environ["BENCH_TOKENS"] = str(tokens)
        os.environ["BENCH_THREADS"] = "2"  # the harness's wrk -t2
        os.environ["BENCH_BODY"] = urlencode({
            "name": "Бенч Клиент", "phone": "+7 700 000 00 01", "email": "bench@example.invalid", "workplace": "",
            "workplace_text": "Школа-гимназия №1", "branch": str(branch.pk), "topic": "wages", "question": QUESTION,
            "consent": "on", "website": "",
        })

        def sign_tokens():
            # A run of its own for the member addresses (bench/wrk/appeal_post.lua): no
            # address sends twice within the hour, as under the deployed limit.
            os.environ["BENCH_RUN"] = str(int(os.environ.get("BENCH_RUN", "0")) + 1)
            served = int(time.time()) - 120  # as if each form had been served two minutes ago
            count = max(4000, 2500 * args.duration)  # the floors answer up to 1,000 a second
            lines = (signing.dumps({"t": served, "n": secrets.token_urlsafe(24)}, salt=TOKEN_SALT) for _ in range(count))
            tokens.write_text("\n".join(lines) + "\n")

        pages = [
            Page("/appeal/ GET anonymous", "/appeal/"),
            Page("/appeal/ POST valid", "/appeal/", script=str(SCRIPT), before=sign_tokens),
            Page("floor: service only", "/bench-floor/service/", script=str(SCRIPT), before=sign_tokens),
            Page("floor: two INSERTs only", "/bench-floor/insert/", script=str(SCRIPT), before=sign_tokens),
        ]
        results = measure_pages(server, pages, rounds=args.rounds, duration=args.duration, connections=args.connections)
        # Every POST page stores an appeal per 302: nothing lost is checked over all three.
        post_runs = [run for result in results[1:] for run in (*result.warmup, *result.runs)]
        stored = Appeal.objects.count() - stored_before
        rss = server.worker_rss_mb()

    def total(name):
        return sum(run.extra.get(name, 0) for run in post_runs)

    accepted, fivexx, refused, out = total("s302"), total("s5xx"), total("s4xx"), total("out_of_tokens")
    fivexx += sum(run.non_2xx for run in results[0].runs if run.non_2xx)  # the GET's errors, if any
    title = (f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, "
             f"{args.rounds} rounds × {args.duration} s per side; each appeal from an address of its own (X-Forwarded-For)")
    text = print_report(results, title=title, goals=GOALS)
    # wrk stops with requests in flight: those are stored but their answers never read, at
    # most one per connection per run. Lost means answered 302 and not stored.
    lost = max(0, accepted - stored)
    in_flight = max(0, stored - accepted)
    summary = (
        f"appeal POSTs answered 302: {accepted:,}; appeals stored: {stored:,}; lost: {lost}; "
        f"stored but unanswered when wrk stopped: {in_flight} (at most {args.connections * len(post_runs)}); "
        f"4xx: {refused}; 5xx: {fivexx}; runs out of tokens: {out}; GETs for the CSRF token: {total('gets')}\n"
        f"worker memory: " + ", ".join(f"{mb:.0f} MB" for mb in rss)
    )
    print(summary)
    if args.save:
        print(f"saved to {save_result('appeals_post_load', text + chr(10) + summary)}")
    ok = accepted > 0 and lost == 0 and in_flight <= args.connections * len(post_runs) and fivexx == 0 and refused == 0
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
