"""The portal's Celery app, configured as in production, with a probe schedule instead of
the real one: each probe job is sent every PROBE_EVERY seconds to the queue PROBE_QUEUE,
where the test counts what the beats sent. Used by `celery -A tests.cluster.beat_app beat`."""

import os

from unionportal.celery import app

PROBES = 3

app.conf.beat_schedule = {
    f"probe-{n}": {
        "task": f"cluster.probe.{n}",
        "schedule": float(os.environ["PROBE_EVERY"]),
        "options": {"queue": os.environ["PROBE_QUEUE"]},
    }
    for n in range(PROBES)
}
