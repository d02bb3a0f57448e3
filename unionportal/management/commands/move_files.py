"""Move uploaded files between the local disk and the object store, verifying each one.

    python manage.py move_files --to store     # disk -> S3-compatible store (STORAGE_URL)
    python manage.py move_files --to disk      # and back
    python manage.py move_files --to store --dry-run

Both sides: public media (MEDIA_ROOT <-> the store's "media/" prefix) and private files
(the private directory <-> the private prefix or bucket). Resumable: a file already at the
destination with the same SHA-256 is skipped, so an interrupted run is simply run again.
Each copy is read back from the destination and its SHA-256 compared with the source's; a
mismatch stops the run with an error. Sources are never deleted: remove them by hand once
the site runs on the new side. File names (not contents) are printed; names are random.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from unionportal.storage import KINDS, FileCopyError, copy_verified, disk_storage, store_storage, walk


class Command(BaseCommand):
    help = "Copy uploaded files from the disk to the object store (or back), checking each file's SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--to", choices=["store", "disk"], required=True)
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be copied.")

    def handle(self, *args, to, dry_run, **options):
        if store_storage("default") is None:
            raise CommandError("No object store is configured: set STORAGE_URL or AWS_STORAGE_BUCKET_NAME.")
        totals = {"copied": 0, "skipped": 0}
        for kind in KINDS:
            disk, store = disk_storage(kind), store_storage(kind)
            source, target = (disk, store) if to == "store" else (store, disk)
            for name in walk(source):
                self._move(source, target, name, totals, dry_run=dry_run)
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(f"{verb} {totals['copied']}, already there {totals['skipped']}")

    def _move(self, source, target, name, totals, *, dry_run):
        try:
            checksum, copied = copy_verified(source, target, name, dry_run=dry_run)
        except FileCopyError as error:
            raise CommandError(error.message) from None
        totals["copied" if copied else "skipped"] += 1
        if copied and not dry_run:
            self.stdout.write(f"{name}: copied, SHA-256 {checksum[:12]}…")
