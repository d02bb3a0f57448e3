"""Beat on every node: two real beat processes share Redis, and each due job is sent once.

celery-redbeat (settings: CELERY_BEAT_SCHEDULER with REDIS_URL) lets only the beat holding
the Redis lock send; the other waits, and takes over when the holder dies and its lock
expires. The probe schedule (tests/cluster/beat_app.py) sends three jobs every 2 s, so a
second sender would show as two sends of one job less than a period apart.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.cluster import services

ROOT = Path(__file__).resolve().parents[2]
EVERY = 2.0
LOCK_SECONDS = 3

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(services.missing_for_beats() is not None, reason=services.missing_for_beats() or ""),
]


class SentJobs:
    """Pops what the beats publish to the probe queue, noting when each job arrived."""

    def __init__(self, client, queue: str):
        self.client, self.queue = client, queue
        self.sent: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            item = self.client.blpop([self.queue], timeout=0.2)
            if item:
                self.sent.append((time.monotonic(), json.loads(item[1])["headers"]["task"]))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)

    def times(self, task: str, after: float = 0.0) -> list[float]:
        return [at for at, name in self.sent if name == task and at >= after]


def _beat(tmp_path: Path, name: str, prefix: str, queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "1",
        "REDIS_URL": services.redis_url(),
        "BEAT_KEY_PREFIX": prefix,
        "BEAT_LOCK_SECONDS": str(LOCK_SECONDS),
        "PROBE_EVERY": str(EVERY),
        "PROBE_QUEUE": queue,
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "tests.cluster.beat_app", "beat", "-l", "INFO",
         "--pidfile", str(tmp_path / f"{name}.pid"), "-s", str(tmp_path / f"{name}-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_two_beats_send_each_due_job_once_and_the_second_takes_over_when_the_first_dies(tmp_path):
    import redis

    client = redis.Redis.from_url(services.redis_url())
    run = uuid.uuid4().hex[:8]
    prefix, queue = f"cluster-test-{run}:", f"cluster-probe-{run}"
    lock_key = f"{prefix}:lock"
    first = second = None
    try:
        with SentJobs(client, queue) as jobs:
            first = _beat(tmp_path, "first", prefix, queue)
            deadline = time.monotonic() + 30
            while client.get(lock_key) is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.get(lock_key) is not None, (tmp_path / "first.log").read_text()
            second = _beat(tmp_path, "second", prefix, queue)
            time.sleep(10)  # both running: only the holder sends
            both_ran_until = time.monotonic()
            first.send_signal(signal.SIGKILL)  # the beat's machine dies: no release of the lock
            first.wait(10)
            killed_at = time.monotonic()
            time.sleep(LOCK_SECONDS + 10)
    finally:
        for beat in (first, second):
            if beat is not None and beat.poll() is None:
                beat.send_signal(signal.SIGTERM)
                beat.wait(20)
        leftovers = client.keys(f"{prefix}*")
        if leftovers:
            client.delete(*leftovers)
        client.delete(queue)

    first_log, second_log = ((tmp_path / f"{n}.log").read_text() for n in ("first", "second"))
    logs = first_log + second_log
    # The second beat sent nothing until it had the lock, and it got it only after the kill.
    assert "Acquired lock" in first_log, first_log
    assert "Acquired lock" in second_log, second_log
    assert "Sending due task" not in second_log.split("Acquired lock")[0], second_log
    for n in range(3):
        task = f"cluster.probe.{n}"
        times = jobs.times(task)
        # Never two sends of one job within its period, before or after the takeover.
        assert min(_gaps(times)) > EVERY * 0.75, (task, _gaps(times), logs)
        # While both beats ran, one beat's worth: about 10 s / 2 s, not twice that.
        during_both = [t for t in times if t <= both_ran_until]
        assert len(during_both) <= 10 / EVERY + 2, (task, len(during_both))
        # The second beat took over within the lock's lifetime (plus a tick and a period).
        after_kill = jobs.times(task, after=killed_at)
        assert after_kill, ("the second beat never took over", logs)
        assert after_kill[0] - killed_at < LOCK_SECONDS + 1 + EVERY + 1.5, (after_kill[0] - killed_at, logs)
