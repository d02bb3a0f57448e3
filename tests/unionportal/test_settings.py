"""The settings module refuses unsafe production configurations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "portal.example.kz",
    "PATH": os.environ.get("PATH", ""),
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_environment_chooses_the_object_store_and_pgbouncer_settings():
    script = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['private']['OPTIONS']['bucket_name'], "
        "s.STORAGES['private']['OPTIONS']['default_acl'], s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    env = {
        **PRODUCTION_ENV,
        "STORAGE_URL": "s3+http://key:secret@127.0.0.1:19299/portal-files?private_bucket=portal-private",
        "DISABLE_SERVER_SIDE_CURSORS": "1",
    }
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["storages.backends.s3.S3Storage", "portal-private", "private", "True"]

    result = _manage("shell", "-c", script.replace("s.STORAGES['private']['OPTIONS']['bucket_name'], s.STORAGES['private']['OPTIONS']['default_acl'], ", ""), env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1].split() == ["django.core.files.storage.FileSystemStorage", "False"]


BEAT_SCRIPT = (
    "from unionportal.celery import app; "
    "print(app.conf.beat_scheduler, app.conf.get('redbeat_lock_timeout'), app.conf.get('redbeat_key_prefix'))"
)


def test_beat_takes_the_redis_lock_scheduler_only_with_redis():
    result = _manage("shell", "-c", BEAT_SCRIPT, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["celery.beat:PersistentScheduler", "None", "None"]

    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6399/3", "BEAT_LOCK_SECONDS": "45"}
    result = _manage("shell", "-c", BEAT_SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["redbeat.RedBeatScheduler", "45", "unionportal:beat:"]


def test_an_object_store_without_redis_is_warned_about():
    env = {**PRODUCTION_ENV, "STORAGE_URL": "s3+http://key:secret@127.0.0.1:19299/portal-files"}
    result = _manage("check", env=env)
    assert "unionportal.W001" in result.stdout + result.stderr
    result = _manage("check", env={**env, "REDIS_URL": "redis://127.0.0.1:6399/3"})
    assert "unionportal.W001" not in result.stdout + result.stderr
