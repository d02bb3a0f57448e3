"""HTTP throughput of the portal under gunicorn with production settings.

Starts gunicorn on loopback against a fresh database with the demo data, drives it with
wrk (Debian package `wrk`) and prints requests per second and p50/p99 latency for a bare
view (/robots.txt) and for the home page, measured in the same run, and their ratio.
Goal: the home page keeps at least 50% of the bare view's throughput.

    .venv/bin/python bench/http_load.py [--duration 10] [--connections 16] [--database-url URL]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def production_env(database_url: str, static_root: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MFA_REQUIRED_FOR_STAFF": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def latency(pct):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": int(non_2xx.group(1)) if non_2xx else 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    tmp = tempfile.mkdtemp(prefix="union-bench-")
    database_url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    env = production_env(database_url, f"{tmp}/static")
    print(f"Preparing {database_url} …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput")

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "unionportal.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/robots.txt", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name, path in (("bare view /robots.txt", "/robots.txt"), ("home page /", "/")):
            wrk(base + path, 2, args.connections)  # warm-up
            results[name] = wrk(base + path, args.duration, args.connections)
        print(f"\ngunicorn {args.workers} workers, wrk 2 threads {args.connections} connections {args.duration}s each")
        print(f"{'endpoint':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
        for name, r in results.items():
            print(f"{name:<24}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>10}")
        bare, home = results["bare view /robots.txt"]["rps"], results["home page /"]["rps"]
        ratio = home / bare if bare else 0
        print(f"\nhome / bare = {ratio:.0%} (goal ≥ 50%): {'met' if ratio >= 0.5 else 'NOT met'}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
