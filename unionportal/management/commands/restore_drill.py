"""Prove the backups restore: `python manage.py restore_drill [--dump FILE] [--files N]`.

Restores the newest backup in BACKUP_DIR (or the dump or backup directory named) into a
scratch database, `<name>_drill_<time>` on PostgreSQL or a temporary file on SQLite, always
dropped afterwards; compares the rows table by table with the backup's manifest and the
live database; reads a sample of the stored files back from the backup's copy and compares
their SHA-256 with the recorded and the live ones. Prints what it checked in plain words.
Exit 0: passed; 1: a check failed; 2: the drill cannot run (no backup, no pg_restore).
The rules are in docs/deploy.md, "Backups and the restore drill".
"""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unionportal.backups import BackupUnavailable, drill_run


class Command(BaseCommand):
    help = "Restore a backup into a scratch database and check its rows and a sample of its files."

    def add_arguments(self, parser):
        parser.add_argument("--dump", help="A dump file or a backup directory (default: the newest backup).")
        parser.add_argument(
            "--files", type=int, default=None, help="How many stored files to read back (default BACKUP_DRILL_FILES)."
        )

    def handle(self, *args, dump, files, **options):
        # A stop (systemd, a dropped ssh session) unwinds like an error, so the scratch
        # database, a full copy of the members' data, is still dropped on the way out.
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, _stop)
        try:
            report = drill_run(dump=dump, sample_files=files)
        except BackupUnavailable as error:
            raise CommandError(error.message, returncode=2) from None
        finally:
            for stop in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(stop, signal.SIG_DFL)
        for line in report.lines:
            self.stdout.write(line)
        if not report.passed:
            raise CommandError(
                _("The restore drill failed: %(count)s checks did not pass.") % {"count": len(report.failures)},
                returncode=1,
            )
        self.stdout.write(_("The restore drill passed."))


def _stop(signum, frame):
    raise SystemExit(128 + signum)
