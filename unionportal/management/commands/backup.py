"""Back up the database and the uploaded files into BACKUP_DIR (docs/deploy.md).

    python manage.py backup

PostgreSQL: pg_dump -Fc, the row counts taken in the same snapshot; SQLite: the online
backup API, so `make run` users can back up a running site. Every stored file (disk or
object store) is copied into BACKUP_DIR/files/ and its SHA-256 recorded in the manifest.
Backups older than BACKUP_KEEP_DAYS are removed (never the newest). Exit 1 when the backup
could not be written, 2 when it cannot run here (no pg_dump, an unsupported database).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unionportal.backups import BackupFailed, BackupUnavailable, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into BACKUP_DIR, with a manifest of rows and checksums."

    def handle(self, *args, **options):
        try:
            path = backup_create()
        except BackupUnavailable as error:
            raise CommandError(error.message, returncode=2) from None
        except BackupFailed as error:
            raise CommandError(_("No backup was kept: %(error)s") % {"error": error.message}, returncode=1) from None
        self.stdout.write(_("Backup written: %(path)s") % {"path": path})
