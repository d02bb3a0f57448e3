"""What the cluster tests need from this machine: PostgreSQL and Redis on 127.0.0.1, root."""

from __future__ import annotations

import os
import shutil
import socket
import sys

REDIS_DB = 11  # the cluster tests' own Redis database
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
PG_HOST, PG_PORT = "127.0.0.1", 5432


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def redis_url(host: str = REDIS_HOST, port: int = REDIS_PORT) -> str:
    return f"redis://{host}:{port}/{REDIS_DB}"


def missing_for_beats() -> str | None:
    if not answers(REDIS_HOST, REDIS_PORT):
        return f"no Redis at {REDIS_HOST}:{REDIS_PORT}"
    return None


def missing_for_cluster() -> str | None:
    """Why the cluster cannot be built here, or None."""
    if os.geteuid() != 0:
        return "building network namespaces needs root"
    for tool in ("ip", "nginx"):
        if not shutil.which(tool):
            return f"`{tool}` is not installed"
    if not shutil.which("gunicorn", path=os.path.dirname(sys.executable)):
        return "gunicorn is not installed in the virtualenv (requirements.txt)"
    if not answers(PG_HOST, PG_PORT):
        return f"no PostgreSQL at {PG_HOST}:{PG_PORT}"
    return missing_for_beats()
