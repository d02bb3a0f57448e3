"""Where a fresh render's time goes: cProfile of a page in process, production settings.

    .venv/bin/python bench/profile_pages.py --database-url postgres://…/perf_prof [--prepare]
        [--requests 200] [--only news] [--fresh] [--save]

`--prepare` makes the database afresh (migrate, demo data). Each page is requested through
Django's test client with DEBUG=0, the Redis cache as deployed, the whole middleware stack,
as a logged-in member (a fresh render) or as an anonymous visitor. The summary groups the
profile into the phases a reader acts on (middleware, context processors, templates, form
widgets, queries) by the cumulative time of their entry points; the top functions follow.
`--fresh` turns the public page cache off, so every request renders its page: what a
visitor waits for after a write made the cached copy stale.
"""

import argparse
import cProfile
import functools
import io
import itertools
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import _flush_redis, _reset_database, production_env  # noqa: E402

PAGES = [
    ("bare_anonymous", "/robots.txt", False),
    ("home_anonymous", "/", False),
    ("news_anonymous", "/news/", False),
    ("news_member", "/news/", True),
    ("press_member", "/press/", True),
    ("giveaways_member", "/giveaways/", True),
    ("appeal_member", "/appeal/", True),
    ("appeal_anonymous", "/appeal/", False),
    ("appeal_post_anonymous", "/appeal/ POST", False),
]


@functools.cache
def _branch_pk() -> int:
    # Read once: the profile and the query list are of the POST, not of making its data.
    from branches.models import Organisation

    return Organisation.objects.filter(kind="branch").order_by("pk").values_list("pk", flat=True).first()


def appeal_data():
    """A valid appeal with a one-time form token of its own, dated as served 2 minutes ago."""
    import secrets

    from django.core import signing

    from appeals.protection import TOKEN_SALT

    return {
        "name": "Бенч Клиент", "phone": "+7 700 000 00 01", "email": "bench@example.invalid", "workplace": "",
        "workplace_text": "Школа-гимназия №1", "branch": str(_branch_pk()), "topic": "wages",
        "question": "Нагрузочный тест", "consent": "on", "website": "",
        "form_token": signing.dumps({"t": int(time.time()) - 120, "n": secrets.token_urlsafe(24)}, salt=TOKEN_SALT),
    }

# Phases by the file or function that enters them (cumulative time, so nested phases overlap:
# "templates" includes the widgets and the queries that run while rendering).
PHASES = [
    ("session load (SessionMiddleware + session query)", ("sessions/backends/db.py", "load")),
    ("auth: request.user (user query)", ("contrib/auth/middleware.py", "get_user")),
    ("csrf middleware", ("middleware/csrf.py", "process_view")),
    ("locale middleware", ("middleware/locale.py", "process_request")),
    ("csp middleware (response)", ("csp/middleware.py", "process_response")),
    ("messages middleware (response)", ("messages/middleware.py", "process_response")),
    ("allauth AccountMiddleware", ("allauth/account/middleware.py", "__call__")),
    ("template render (every render_to_string)", ("template/backends/django.py", "render")),
    ("  of it: {% include %} (per-item templates)", ("template/loader_tags.py", "render", 176)),
    ("context processors", ("template/context.py", "bind_template")),
    ("form widgets (BoundField.__str__)", ("forms/boundfield.py", "__str__")),
    ("form renderer (render)", ("forms/renderers.py", "render")),
    ("SQL execute", ("backends/utils.py", "execute")),
    ("model instances (from_db)", ("db/models/base.py", "from_db")),
    ("get_FOO_display", ("db/models/base.py", "_get_FIELD_display")),
    ("reverse()", ("django/urls/base.py", "reverse")),
    ("gettext", ("utils/translation/trans_real.py", "gettext")),
    ("cache get (Redis)", ("core/cache/backends/redis.py", "get")),
    ("form validation (full_clean)", ("forms/forms.py", "full_clean")),
    ("model full_clean", ("db/models/base.py", "full_clean")),
    ("Model.save", ("db/models/base.py", "save")),
    ("on_commit callbacks", ("db/backends/base/base.py", "run_and_clear_commit_hooks")),
    ("Celery apply_async", ("celery/app/task.py", "apply_async")),
    ("signing.loads", ("core/signing.py", "loads")),
]


def prepare(env):
    _reset_database(env["DATABASE_URL"])
    for args in (("migrate", "--noinput"), ("load_demo",), ("collectstatic", "--noinput")):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_in_process(*, database_url: str, redis_url: str, prepare_first: bool, extra: dict | None = None) -> None:
    """Django set up in this process with production settings, for requests through the test
    client: optionally a fresh database first, the bench's Redis db emptied, every request
    allowed from one address."""
    env = production_env(
        database_url=database_url, redis_url=redis_url, static_root=str(ROOT / "var" / "profile-static"),
        media_root=str(ROOT / "var" / "profile-media"), extra=extra,
    )
    if prepare_first:
        prepare(env)
    _flush_redis(redis_url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "unionportal.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 10**9  # every request comes from one address


def member_client(Client):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-member", defaults={"first_name": "Bench"})
    client = Client()
    client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


def phase_table(stats: pstats.Stats, requests: int) -> list[str]:
    whole = max(ct for (_f, _l, name), (_cc, _nc, _tt, ct, _c) in stats.stats.items() if name == "get_response")
    rows = [f"  {'whole request (get_response)':<52}{1000 * whole / requests:>8.2f} ms  100%"]
    for label, (file_part, func, *line) in PHASES:
        total = 0.0
        for (filename, lineno, name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():
            if name == func and file_part in filename and (not line or line[0] == lineno):
                # Count only entries from outside the same function (no double count of recursion).
                if not any(c[2] == func and file_part in c[0] for c in callers):
                    total += ct
        if total:
            rows.append(f"  {label:<52}{1000 * total / requests:>8.2f} ms {total / whole:>4.0%}")
    return rows


def profile(path: str, *, member: bool, requests: int) -> str:
    from django.test import Client

    client = member_client(Client) if member else Client()
    if path.endswith(" POST"):
        url = path.split()[0]

        numbers = itertools.count(1)

        def send():
            # A browser follows the redirect and the status page consumes the success
            # message; this client does not, so without this its messages cookie grew by one
            # message a request and the profile timed the re-encoding of hundreds of them.
            client.cookies.pop("messages", None)
            # Encoded as a browser sends a form without a file (and as the HTTP bench does).
            # Each appeal from an address of its own, as members send them (and as the HTTP
            # bench does): the limiter's first hit of an address is one Redis command.
            n = next(numbers)
            address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
            return client.post(url, urlencode(appeal_data()), content_type="application/x-www-form-urlencoded", REMOTE_ADDR=address)

        expected = 302
    else:

        def send():
            return client.get(path)

        expected = 200
    for _ in range(20):  # warm: templates compiled, connections open, catalogs loaded
        response = send()
        assert response.status_code == expected, (path, response.status_code)
    # The best of five batches: the machine is shared, and other load only ever adds time.
    batches = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(requests):
            send()
        batches.append(1000 * (time.process_time() - started) / requests)
    cpu_plain = min(batches)
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
    profiler.enable()
    for _ in range(requests):
        send()
    profiler.disable()
    if os.environ.get("PROFILE_DUMP"):
        profiler.dump_stats(os.environ["PROFILE_DUMP"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        send()
    stats = pstats.Stats(profiler)
    out = io.StringIO()
    out.write(f"{path} as {'a logged-in member' if member else 'an anonymous visitor'}: "
              f"{cpu_plain:.2f} ms CPU per request without the profiler (test client, in process, best of 5 × {requests}), "
              f"{len(queries.captured_queries)} queries\n")
    for q in queries.captured_queries:
        out.write(f"    SQL: {q['sql'][:150]}\n")
    out.write("phases (cumulative CPU under the profiler, which inflates; nested phases overlap):\n")
    out.write("\n".join(phase_table(stats, requests)) + "\n")
    top = io.StringIO()
    pstats.Stats(profiler, stream=top).sort_stats("cumulative").print_stats(30)
    out.write("\ntop by cumulative time:\n")
    out.write("\n".join(line for line in top.getvalue().splitlines() if line.strip() and "{" not in line[:1])[:12000])
    top = io.StringIO()
    pstats.Stats(profiler, stream=top).sort_stats("tottime").print_stats(12)
    out.write("\n\ntop by own time:\n" + top.getvalue()[-6000:])
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/perf_prof")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--fresh", action="store_true", help="no public page cache: every request renders")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    extra = {"PUBLIC_PAGE_CACHE_SECONDS": "0"} if args.fresh else None
    start_in_process(database_url=args.database_url, redis_url=args.redis_url, prepare_first=args.prepare, extra=extra)
    for name, path, member in PAGES:
        if args.only not in name:
            continue
        text = profile(path, member=member, requests=args.requests)
        print(text.split("\ntop by cumulative")[0], flush=True)
        if args.save:
            suffix = "_fresh" if args.fresh else ""
            (ROOT / "bench" / "results" / f"profile_{name}{suffix}.txt").write_text(
                f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}\n{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
