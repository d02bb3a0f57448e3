"""How long queueing an appeal's e-mail takes when the broker is down (issue 11, item 8).

Starts a redis-server of its own on a free port, stops it, then publishes the appeal
notification task N times with the portal's broker settings (one bounded attempt) and with
kombu's defaults (the settings before the fix), against a stopped server (connection
refused) and against a listener that accepts and never answers (a hung Redis). Prints the
median and the worst time of one publish. Goal: well under a second with the portal's
settings in both cases (it was 6 s with the defaults).

    DEBUG=1 .venv/bin/python bench/broker_down_publish.py [--rounds 5]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
os.environ.setdefault("DEBUG", "1")


def free_port() -> int:
    for port in range(18280, 18300):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 18280-18299")


def stopped_redis_port() -> int:
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        server.terminate()
        server.wait()
    return port


def silent_listener() -> tuple[int, socket.socket]:
    port = free_port()
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    held = []

    def accept():
        while True:
            try:
                held.append(sock.accept()[0])  # accepted, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return port, sock


def measure(app, task, url: str, options: dict, rounds: int) -> list[float]:
    app.conf.broker_url = url
    app.conf.broker_transport_options = options
    times = []
    for _ in range(rounds):
        app._pool = None
        app.amqp._producer_pool = None
        start = time.perf_counter()
        try:
            task.apply_async(args=[0], retry=False)
        except Exception:  # noqa: BLE001,S110 - the broker is down on purpose
            pass
        times.append(time.perf_counter() - start)
    return times


def settings_for_redis() -> dict:
    """The broker transport options settings.py gives a deployment with REDIS_URL."""
    import importlib.util

    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    spec = importlib.util.spec_from_file_location("settings_for_bench", ROOT / "unionportal" / "settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CELERY_BROKER_TRANSPORT_OPTIONS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from appeals import tasks
    from unionportal.celery import app

    portal = settings_for_redis()
    hung_port, hung = silent_listener()  # first, so the stopped Redis gets another port
    refused = f"redis://127.0.0.1:{stopped_redis_port()}/0"
    hung_url = f"redis://127.0.0.1:{hung_port}/0"
    print(f"one publish of the appeal notification, {args.rounds} rounds, REDIS_TIMEOUT_SECONDS={settings.REDIS_TIMEOUT_SECONDS}")
    for label, url in (("Redis stopped (refused)", refused), ("Redis hung (accepts, never answers)", hung_url)):
        for name, options in (("portal settings", portal), ("kombu defaults", {})):
            if name == "kombu defaults" and "hung" in label:
                print(f"  {label:38} {name:16} waits for ever (no socket timeout): not measured")
                continue
            times = measure(app, tasks.send_appeal_notifications, url, options, args.rounds if name == "portal settings" else 2)
            print(f"  {label:38} {name:16} median {statistics.median(times):6.3f} s   worst {max(times):6.3f} s")
    hung.close()


if __name__ == "__main__":
    main()
