"""The one harness of every HTTP bench: the portal under gunicorn as docs/deploy.md runs it,
each page paired with a truly bare view of the same server.

A ratio means something only against a bare view measured on the same server in the same
run: `/robots.txt` returns a short text through the whole middleware stack, with no query
and no template. Each page is measured as a pair with the bare view run just before it
(A B A B …), three rounds, the order reversed every other round so neither side always
gets the warmer machine. Besides requests per second (moved by whatever else the machine
is doing), it reports the CPU seconds the gunicorn processes spent per request, read from
/proc: the figure least moved by other load on a shared machine; and the CPU PostgreSQL and
Redis spent per request on the same cores, which a page that writes pays and the bare view
does not.

    from bench.harness import Page, PortalServer, measure_pages, print_report

    with PortalServer(workers=3) as server:
        results = measure_pages(server, [Page("home", "/")])
    print_report(results)

The load generator is wrk (Debian package `wrk`); a POST page names a wrk Lua script.
"""

from __future__ import annotations

import dataclasses
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
BARE_PATH = "/robots.txt"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    path: str
    # A wrk Lua script (for POSTs or cookies); None for a plain GET.
    script: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # Called before every wrk run of this page (e.g. to sign the one-time tokens it will send).
    before: Callable[[], None] | None = None


@dataclasses.dataclass
class Run:
    rps: float
    requests: int
    non_2xx: int
    cpu_ms_per_request: float
    # PostgreSQL's and Redis's CPU per request in the same run (services_cpu_seconds).
    services_cpu_ms_per_request: float
    p50_ms: float
    p99_ms: float
    # What a Lua script printed as `bench <name> <integer>` lines (counts by status, …).
    extra: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class PageResult:
    page: Page
    bare: list[Run]
    runs: list[Run]
    warmup: list[Run] = dataclasses.field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Median over rounds of page req/s over the bare view's req/s of the same round."""
        return median(r.rps / b.rps for r, b in zip(self.runs, self.bare, strict=True) if b.rps)

    @property
    def cpu_ratio(self) -> float:
        """Bare view CPU per request over the page's: the same share, measured in CPU time."""
        return median(b.cpu_ms_per_request / r.cpu_ms_per_request for r, b in zip(self.runs, self.bare, strict=True) if r.cpu_ms_per_request)


def production_env(*, database_url: str, redis_url: str, static_root: str, media_root: str, extra: dict | None = None) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


class PortalServer:
    """A fresh database with the demo data, static files collected, gunicorn on loopback."""

    def __init__(self, *, workers: int = 3, port: int = 19000, database_url: str = "", redis_url: str = "redis://127.0.0.1:6379/10", extra_env: dict | None = None, load_demo: bool = True):
        self.workers = workers
        self.port = port
        self.tmp = tempfile.mkdtemp(prefix="union-bench-")
        self.database_url = database_url or f"sqlite:///{self.tmp}/bench.sqlite3"
        self.redis_url = redis_url
        self.env = production_env(database_url=self.database_url, redis_url=redis_url, static_root=f"{self.tmp}/static", media_root=f"{self.tmp}/media", extra=extra_env)
        self.load_demo = load_demo
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, stdout=subprocess.DEVNULL)

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell` with the server's settings; its printed output."""
        done = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True)
        return done.stdout.strip()

    def member_cookie(self) -> str:
        """A `Cookie:` header value of a logged-in member (no staff role), for member pages:
        the session and, as a member's browser has, a CSRF cookie. Django's login sets one
        (`rotate_token`), so no logged-in member is without it; without it every request
        would mint a new secret and send it back in a `Set-Cookie`, as for a first visit."""
        key = self.shell(
            "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
            "from importlib import import_module\n"
            "from django.conf import settings\n"
            "User = get_user_model()\n"
            "user, _ = User.objects.get_or_create(username='bench-member', defaults={'first_name': 'Bench'})\n"
            "store = import_module(settings.SESSION_ENGINE).SessionStore()\n"
            "store[SESSION_KEY] = str(user.pk)\n"
            "store[BACKEND_SESSION_KEY] = 'accounts.backends.ModelBackend'\n"
            "store[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
            "store.save()\n"
            "print(store.session_key)"
        ).splitlines()[-1]
        return f"sessionid={key}; csrftoken={secrets.token_hex(16)}"

    def __enter__(self) -> PortalServer:
        _reset_database(self.database_url)
        if self.redis_url:
            _flush_redis(self.redis_url)
        print(f"Preparing {self.database_url.split('@')[-1]} …", flush=True)
        self.manage("migrate", "--noinput")
        if self.load_demo:
            self.manage("load_demo")
        self.manage("collectstatic", "--noinput")
        # As docs/deploy.md: sync workers, no access log (tracking codes stay out of logs).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "unionportal.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--log-level", "warning"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + BARE_PATH, timeout=1)  # noqa: S310 - loopback only
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def __exit__(self, *exc) -> None:
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker now, in MB (VmRSS from /proc)."""
        assert self.process is not None
        sizes = []
        for pid in _children(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(kb / 1024)
        return sizes

    def cpu_seconds(self) -> float:
        """User + system CPU of the gunicorn master and its workers so far."""
        assert self.process is not None
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / CLOCK_TICKS


SERVICES = ("postgres", "redis-server")


def services_cpu_seconds() -> float:
    """User + system CPU of PostgreSQL and Redis so far (their processes on this machine; a
    PostgreSQL backend that ended is counted in its parent's children times): what a page
    costs besides gunicorn, on the same cores."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name in SERVICES or name.startswith("postgres"):
            fields = text.rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(c) for c in children)
    return found


def _reset_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg2

    base, name = database_url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def wrk(server: PortalServer, page: Page, *, duration: int, connections: int) -> Run:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in page.headers:
        args += ["-H", f"{name}: {value}"]
    if page.script:
        args += ["-s", page.script]
    if page.before:
        page.before()
    before, services_before = server.cpu_seconds(), services_cpu_seconds()
    out = subprocess.run([*args, server.base + page.path], capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - before
    services_cpu = services_cpu_seconds() - services_before
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def latency(pct: int) -> float:
        value, unit = re.search(rf"\s{pct}(?:\.0+)?%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        requests=requests,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        cpu_ms_per_request=1000 * cpu / requests if requests else 0.0,
        services_cpu_ms_per_request=1000 * services_cpu / requests if requests else 0.0,
        p50_ms=latency(50),
        p99_ms=latency(99),
        extra={name: int(value) for name, value in re.findall(r"^bench (\w+) (\d+)$", out, re.MULTILINE)},
    )


def measure_pages(server: PortalServer, pages: list[Page], *, rounds: int = 3, duration: int = 5, connections: int = 16) -> list[PageResult]:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    bare = Page("bare view", BARE_PATH)
    results = [PageResult(page, [], []) for page in pages]
    for result in results:
        result.warmup.append(wrk(server, result.page, duration=1, connections=connections))  # warm the cache and the workers
    for round_no in range(rounds):
        for result in results:
            pair = (bare, result.page) if round_no % 2 == 0 else (result.page, bare)
            for page in pair:
                run = wrk(server, page, duration=duration, connections=connections)
                (result.bare if page is bare else result.runs).append(run)
    return results


def print_report(results: list[PageResult], *, title: str = "", goals: dict[str, float] | None = None) -> str:
    goals = goals or {}
    lines = []
    if title:
        lines.append(title)
    lines.append(f"{'page':<34}{'req/s':>9}{'bare req/s':>12}{'share':>8}{'cpu ms/req':>12}{'bare cpu':>10}{'cpu share':>10}{'db+redis':>10}{'non-2xx':>9}  goal")
    for r in results:
        rps = median(x.rps for x in r.runs)
        bare_rps = median(x.rps for x in r.bare)
        cpu = median(x.cpu_ms_per_request for x in r.runs)
        bare_cpu = median(x.cpu_ms_per_request for x in r.bare)
        services = median(x.services_cpu_ms_per_request for x in r.runs)
        errors = sum(x.non_2xx for x in r.runs)
        goal = goals.get(r.page.name)
        verdict = ""
        if goal:
            # How many rounds reached it: a median at the goal is met in some rounds only.
            rounds_met = sum(x.rps >= goal * b.rps for x, b in zip(r.runs, r.bare, strict=True))
            verdict = f"≥ {goal:.0%}: {'met' if r.ratio >= goal else 'NOT met'} ({rounds_met} of {len(r.runs)} rounds)"
        lines.append(f"{r.page.name:<34}{rps:>9.0f}{bare_rps:>12.0f}{r.ratio:>8.0%}{cpu:>12.2f}{bare_cpu:>10.2f}{r.cpu_ratio:>10.0%}{services:>10.2f}{errors:>9}  {verdict}")
    lines.append("cpu ms/req: the gunicorn processes' CPU per request; db+redis: PostgreSQL's and Redis's, on the same cores")
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def save_result(name: str, text: str) -> Path:
    out = ROOT / "bench" / "results" / f"{name}.txt"
    out.parent.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    out.write_text(f"# {stamp}, load average {load:.1f}, {os.cpu_count()} cores\n{text}\n", encoding="utf-8")
    return out
