"""`python manage.py import_publications FILE [--user USERNAME]`: the staff page's import from
the command line (CSV or XLSX, columns in docs/import.md), all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from publications.imports import ImportFailed, import_publications


class Command(BaseCommand):
    help = "Import publications from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", help="Import as this user (a branch editor is limited to their branch).")

    def handle(self, *args, path, user=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No such user: {user}")
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        try:
            result = import_publications(upload, user=account)
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(str(line))
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {result.created} publications."))
