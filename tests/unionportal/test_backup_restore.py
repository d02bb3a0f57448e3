"""`manage.py backup` and `manage.py restore_drill`: a backup that restores, and a drill that notices when one does not.

Runs on whichever database the suite runs on: SQLite (the online backup API) in the first
pass of `.ci/run`, PostgreSQL (pg_dump -Fc, createdb, pg_restore, dropdb for real) in the
second. The data is committed (`transactional_db`): pg_dump sees only committed rows.
"""

import datetime
import io
import json
import os
import shutil
import tempfile

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from branches.models import Organisation
from publications.models import Publication
from tests.accounts.factories import UserFactory
from tests.appeals.factories import AppealFactory
from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory
from tests.publications.factories import PublicationFactory
from unionportal import backups
from unionportal.storage import private_root, storages_setting

ON_POSTGRES = connection.vendor == "postgresql"


SITE_FILES = (
    ("default", "publications/2024/photo-abc.jpg", b"\xff\xd8 a photo of the congress"),
    ("default", "media_reports/2024/clipping-def.pdf", b"%PDF-1.4 a press clipping"),
    ("private", "2024/03/scan-ghi.pdf", b"%PDF-1.4 a member's scan"),
)


def _save_site_files():
    for kind, name, content in SITE_FILES:
        storages[kind].save(name, ContentFile(content))


def _local_storages(media_root):
    return {**storages_setting(None, media_root=media_root), "staticfiles": django_settings.STORAGES["staticfiles"]}


@pytest.fixture(scope="module")
def site_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """A little of everything the demo has, committed once for the whole module, and `manage.py backup` of it.

    Committed because pg_dump sees only committed rows. Each test then runs in a transaction
    that is rolled back (`db`) against copies of the uploads and of this one backup, so a test
    may damage its copy or write rows without another test noticing; one flush at the end
    leaves the database as the transactional tests before it left it.
    """
    root = tmp_path_factory.mktemp("backed_up_site")
    (root / "tmp").mkdir()
    previous, tempfile.tempdir = tempfile.tempdir, str(root / "tmp")
    try:
        with (
            override_settings(
                BACKUP_DIR=root / "backups", MEDIA_ROOT=root / "media", STORAGES=_local_storages(root / "media")
            ),
            django_db_blocker.unblock(),
        ):
            try:
                regional_org = RegionalOrganisationFactory()
                branch_a = OrganisationFactory(
                    slug="branch-a", name_ru="Филиал А", name_kk="А филиалы", parent=regional_org
                )
                UserFactory(username="editor_a", role=Role.BRANCH_EDITOR, role__organisation=branch_a)
                UserFactory(username="chair", role=Role.CHAIR, role__organisation=regional_org)
                PublicationFactory.create_batch(3, organisation=branch_a)
                AppealFactory.create_batch(2)
                _save_site_files()
                call_command("backup", stdout=io.StringIO())
                yield root
            finally:
                call_command("flush", interactive=False, verbosity=0)
    finally:
        tempfile.tempdir = previous


@pytest.fixture
def backup_dir(settings, tmp_path):
    """BACKUP_DIR, the uploads and the drill's temporary files all under the test's own directory."""
    settings.BACKUP_DIR = tmp_path / "backups"
    if not getattr(settings, "S3_STORAGE", None):
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = _local_storages(settings.MEDIA_ROOT)
    scratch_files = tmp_path / "tmp"
    scratch_files.mkdir()
    previous, tempfile.tempdir = tempfile.tempdir, str(scratch_files)
    yield settings.BACKUP_DIR
    tempfile.tempdir = previous


def _copy_site_files(site_once, settings):
    """This test's own copy of the stored files (in the object store if the test uses one)."""
    if getattr(settings, "S3_STORAGE", None):
        _save_site_files()
    else:
        shutil.copytree(site_once / "media", settings.MEDIA_ROOT)
        shutil.copytree(private_root(site_once / "media"), private_root(settings.MEDIA_ROOT))


@pytest.fixture
def site(db, site_once, backup_dir, settings):
    """The module's rows, in a transaction rolled back after the test, and this test's own copy of the files."""
    _copy_site_files(site_once, settings)


@pytest.fixture
def site_to_back_up(site_once, backup_dir, settings, django_db_blocker):
    """The module's rows with no transaction around the test, for a test that takes backups and writes no rows.

    SQLite's online backup of a connection waits for that connection's own open write
    transaction (the one `db` holds) for ever.
    """
    _copy_site_files(site_once, settings)
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def backed_up_site(site, site_once, backup_dir):
    """`site`, and this test's own copy of the one backup taken of it: a test may damage its copy."""
    shutil.copytree(site_once / "backups", backup_dir)
    [taken] = backups.backup_list()
    return taken


def _drill(capsys, *args):
    """Run the drill; (exit code, everything it printed)."""
    try:
        call_command("restore_drill", *args)
        code = 0
    except CommandError as error:
        code = error.returncode
        print(error)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _scratch_left() -> list[str]:
    if ON_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", ["%\\_drill\\_%"])
            return [row[0] for row in cursor.fetchall()]
    return [name for name in os.listdir(tempfile.gettempdir()) if name.startswith("drill_")]


def test_a_backup_just_taken_restores_and_the_drill_passes(backed_up_site, backup_dir, capsys):
    taken = backed_up_site  # by manage.py backup
    manifest = json.loads((taken / "manifest.json").read_text())
    dump = taken / ("database.dump" if ON_POSTGRES else "database.sqlite3")
    assert dump.stat().st_mode & 0o077 == 0, "a dump holds personal data: the portal's user alone may read it"
    assert (backup_dir / "files" / "private" / "2024" / "03" / "scan-ghi.pdf").stat().st_mode & 0o077 == 0
    assert manifest["tables"][Publication._meta.db_table] == 3
    assert sorted(entry["name"] for entry in manifest["files"]) == [
        "2024/03/scan-ghi.pdf",
        "media_reports/2024/clipping-def.pdf",
        "publications/2024/photo-abc.jpg",
    ]
    capsys.readouterr()

    code, output = _drill(capsys, "--files", "3")

    assert code == 0, output
    assert "Проверка восстановления пройдена" in output
    assert "3 из 3" in output
    assert _scratch_left() == []


def test_files_in_the_object_store_are_backed_up_and_read_back(s3_store, backup_dir, site_to_back_up, capsys):
    call_command("backup")
    copy = backup_dir / "files" / "private" / "2024" / "03" / "scan-ghi.pdf"
    assert copy.read_bytes() == b"%PDF-1.4 a member's scan"
    capsys.readouterr()

    code, output = _drill(capsys, "--files", "10")

    assert code == 0, output
    assert "3 из 3" in output


def test_a_corrupted_file_in_the_backup_fails_the_drill(backed_up_site, backup_dir, capsys):
    (backup_dir / "files" / "default" / "publications" / "2024" / "photo-abc.jpg").write_bytes(b"\xff\xd8 bit rot")

    code, output = _drill(capsys, "--files", "3")

    assert code == 1
    assert "publications/2024/photo-abc.jpg" in output
    assert "копия в резервной копии отличается" in output
    assert _scratch_left() == []


def test_rows_lost_on_the_way_to_the_scratch_database_fail_the_drill(backed_up_site, backup_dir, capsys, monkeypatch):
    restore = backups.restore_into_scratch

    def restore_losing_publications(dump, scratch, report):
        restored = restore(dump, scratch, report)
        db = scratch.connect()
        with db.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Publication._meta.db_table}")  # noqa: S608
        db.close()
        return restored

    monkeypatch.setattr(backups, "restore_into_scratch", restore_losing_publications)

    code, output = _drill(capsys)

    assert code == 1
    assert f"таблица {Publication._meta.db_table}: в резервной копии записано строк: 3, восстановлено: 0" in output
    assert _scratch_left() == []


def test_a_dump_cut_short_fails_the_drill(backed_up_site, backup_dir, capsys):
    dump = next(backed_up_site.glob("database.*"))
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    code, output = _drill(capsys)

    assert code == 1
    assert "SHA-256" in output and "обрезан" in output


def test_a_dump_cut_short_without_its_manifest_does_not_restore(backed_up_site, backup_dir, capsys, tmp_path):
    dump = next(backed_up_site.glob("database.*"))
    alone = tmp_path / dump.name
    alone.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])

    code, output = _drill(capsys, "--dump", str(alone))

    assert code == 1
    assert ("pg_restore не смог восстановить" if ON_POSTGRES else "дамп SQLite не читается") in output
    assert _scratch_left() == []


def test_an_older_backup_accepts_rows_written_since_but_not_rows_that_vanished(backed_up_site, backup_dir, capsys):
    PublicationFactory.create_batch(2, organisation=Organisation.objects.get(slug="branch-a"))

    code, output = _drill(capsys)
    assert code == 0, output
    assert "записанных после" in output

    Publication.objects.filter(pk__in=Publication.objects.values("pk")[:4]).delete()
    code, output = _drill(capsys)
    assert code == 1
    assert f"таблица {Publication._meta.db_table}: в резервной копии больше строк (3), чем в рабочей базе (1)" in output


def test_without_a_backup_it_says_what_to_do_and_exits_2(backup_dir, capsys):
    code, output = _drill(capsys)
    assert code == 2
    assert "manage.py backup" in output


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL client programs are used only on PostgreSQL")
def test_without_pg_restore_it_says_what_to_install_and_exits_2(
    backed_up_site, backup_dir, capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))

    code, output = _drill(capsys)

    assert code == 2
    assert "postgresql-client-15" in output


@pytest.mark.skipif(not ON_POSTGRES, reason="scratch databases of their own exist only on PostgreSQL")
def test_a_scratch_database_left_by_a_killed_drill_is_dropped_by_the_next_one(backed_up_site, backup_dir, capsys):
    base = backups.scratch_name_prefix()
    abandoned, recent = f"{base}_drill_20200101000000_abcdef", f"{base}_drill_{timezone.now():%Y%m%d%H%M%S}_fedcba"
    for name in (abandoned, recent):
        assert backups._run("createdb", name).returncode == 0
    try:
        code, output = _drill(capsys)
        assert code == 0, output
        assert abandoned in output
        assert _scratch_left() == [recent]  # a drill that may still be running is left alone
    finally:
        for name in (abandoned, recent):
            backups._run("dropdb", "--if-exists", name)


def test_old_backups_and_the_files_only_they_named_are_removed_but_never_the_newest(
    site_to_back_up, backup_dir, settings
):
    settings.BACKUP_KEEP_DAYS = 7
    month_ago = timezone.now() - datetime.timedelta(days=30)
    old = backups.backup_create(now=month_ago)
    storages["default"].delete("publications/2024/photo-abc.jpg")
    assert backups.backup_list() == [old]  # the only backup is kept however old

    new = backups.backup_create()

    assert backups.backup_list() == [new]
    assert not (backup_dir / "files" / "default" / "publications" / "2024" / "photo-abc.jpg").exists()
    assert (backup_dir / "files" / "private" / "2024" / "03" / "scan-ghi.pdf").exists()


def test_the_next_night_copies_the_new_uploads_and_still_names_every_file(site_to_back_up, backup_dir, capsys):
    backups.backup_create(now=timezone.now() - datetime.timedelta(days=1))
    storages["default"].save("publications/2024/photo-new.jpg", ContentFile(b"\xff\xd8 the next day's photo"))

    second = backups.backup_create()

    manifest = json.loads((second / "manifest.json").read_text())
    assert len(manifest["files"]) == 4
    assert (
        backup_dir / "files" / "default" / "publications" / "2024" / "photo-new.jpg"
    ).read_bytes() == b"\xff\xd8 the next day's photo"
    code, output = _drill(capsys, "--files", "4")
    assert code == 0, output
    assert "4 из 4" in output


def test_a_damaged_manifest_is_named_and_its_backup_kept(backed_up_site, backup_dir, capsys):
    taken = backed_up_site
    (taken / "manifest.json").write_text('{"created": "2026-')

    code, output = _drill(capsys)
    assert code == 2
    assert f"Опись {taken.name} не читается" in output

    backups.backup_prune(now=timezone.now() + datetime.timedelta(days=365))
    assert backups.backup_list() == [taken]
    assert (backup_dir / "files" / "private" / "2024" / "03" / "scan-ghi.pdf").exists()
