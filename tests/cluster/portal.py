"""The portal's side of the cluster test: the scratch database, the collected static files,
the environment every node shares, and the three processes of a node."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import psycopg2

from tests.cluster import services

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "var" / "test-artifacts"
SECRET_KEY = "cluster-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"  # noqa: S105


def _admin():
    connection = psycopg2.connect(host=services.PG_HOST, port=services.PG_PORT, user="postgres", dbname="postgres")
    connection.autocommit = True
    return connection


def _migrations_key() -> str:
    """Changes whenever a migration (ours or a library's, through the pins) changes."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def database_url(name: str, host: str = services.PG_HOST) -> str:
    return f"postgres://postgres@{host}:{services.PG_PORT}/{name}"


def _manage(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def root_env(**extra) -> dict:
    """The environment of a portal command run in the root namespace."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST", "CELERY", "REDIS", "DATABASE"))}
    env.update({"DEBUG": "0", "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "*", "PYTHONUNBUFFERED": "1"}, **extra)
    return env


class Prepared:
    """A template database migrated once per state of the migrations (`cluster_tpl_<key>`)
    and static files collected once per state of the static files; made side by side."""

    def __init__(self):
        self.template = f"cluster_tpl_{_migrations_key()}"
        self.static_root = ARTIFACTS / f"cluster-static-{self._static_key()}"
        self._jobs: list[tuple[str, subprocess.Popen]] = []

    @staticmethod
    def _static_key() -> str:
        from django.contrib.staticfiles.finders import get_finders

        digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
        for finder in get_finders():
            for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
                digest.update(path.encode() + Path(storage.path(path)).read_bytes())
        return digest.hexdigest()[:12]

    def start(self) -> Prepared:
        with closing(_admin()) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'cluster_tpl_%%'")
            existing = {row[0] for row in cursor.fetchall()}
            for stale in existing - {self.template}:
                cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
            if self.template not in existing:
                self._building = f"cluster_build_{os.getpid()}"
                cursor.execute(f'DROP DATABASE IF EXISTS "{self._building}"')
                cursor.execute(f'CREATE DATABASE "{self._building}"')
                env = root_env(DATABASE_URL=database_url(self._building))
                self._jobs.append(("migrate", _manage(["migrate", "--noinput", "-v", "0"], env)))
        if not (self.static_root / "staticfiles.json").exists():
            self._static_tmp = self.static_root.with_name(self.static_root.name + f".{os.getpid()}")
            shutil.rmtree(self._static_tmp, ignore_errors=True)
            env = root_env(STATIC_ROOT=str(self._static_tmp))
            self._jobs.append(("collectstatic", _manage(["collectstatic", "--noinput", "-v", "0"], env)))
        return self

    def finish(self, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        for name, job in self._jobs:
            output, _ = job.communicate(timeout=max(1, deadline - time.monotonic()))
            if job.returncode != 0:
                raise RuntimeError(f"{name} failed:\n{output}")
            if name == "migrate":
                with closing(_admin()) as connection, connection.cursor() as cursor:
                    cursor.execute(f'ALTER DATABASE "{self._building}" RENAME TO "{self.template}"')
            else:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                if (self.static_root / "staticfiles.json").exists():
                    shutil.rmtree(self._static_tmp, ignore_errors=True)  # another run was quicker
                else:
                    shutil.rmtree(self.static_root, ignore_errors=True)
                    self._static_tmp.rename(self.static_root)

    def create_database(self, name: str) -> None:
        with closing(_admin()) as connection, connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')


def drop_stale_databases() -> None:
    """The scratch databases of runs that died without their cleanup (not the template)."""
    with closing(_admin()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname ~ '^cluster_[0-9a-f]{4}_'")
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        drop_database(name)


def drop_database(name: str) -> None:
    with closing(_admin()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def query(name: str, sql: str, params=()) -> list[tuple]:
    connection = psycopg2.connect(host=services.PG_HOST, port=services.PG_PORT, user="postgres", dbname=name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


WEB_PORT = 8000


def start_node(node, env: dict, logs: Path, *, roles=("web", "worker", "beat")) -> None:
    """gunicorn (2 workers), one Celery worker and one beat in the node's namespace."""
    commands = {
        "web": [str(BIN / "gunicorn"), "unionportal.wsgi", "--bind", f"{node.address}:{WEB_PORT}",
                "--workers", "2", "--timeout", "30", "--graceful-timeout", "5", "--preload",
                "--no-control-socket"],  # its default path is one per machine, and here two nodes share one
        "worker": [str(BIN / "celery"), "-A", "unionportal", "worker", "-l", "INFO", "--concurrency", "1",
                   "-n", f"node{node.number}@cluster", "--without-gossip", "--without-mingle"],
        "beat": [str(BIN / "celery"), "-A", "unionportal", "beat", "-l", "INFO",
                 "--pidfile", str(logs / f"beat{node.number}.pid"), "-s", str(logs / f"beat{node.number}-schedule")],
    }
    for role in roles:
        node.start(role, commands[role], env=env, cwd=ROOT, log_path=logs / f"{role}{node.number}.log")


def wait_for(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
