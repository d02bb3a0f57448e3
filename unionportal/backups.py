"""Backups that restore: the nightly backup and the restore drill that proves it.

`backup_create` writes one dated directory under ``BACKUP_DIR``:

    backup-20261201-023000/
        database.dump        pg_dump -Fc (PostgreSQL), or database.sqlite3 (SQLite's online backup)
        manifest.json        when, which engine, the dump's SHA-256, rows per table, every stored file's SHA-256
    files/default/…  files/private/…   one copy of the uploads (disk or object store), shared by
                                        every dated directory: names are never reused, so a
                                        file is copied once and kept while a manifest names it

The directory is written as ``.backup-….partial`` and renamed when complete, so a backup cut
short is never taken for one. On PostgreSQL the row counts are taken in the snapshot
pg_dump dumps (``pg_export_snapshot`` + ``pg_dump --snapshot``), so the manifest and the dump
agree exactly even while the site is written to.

`drill_run` restores a dump into a scratch database (dropped again, always), compares it with
the manifest and the live database, and reads a sample of files back from the copy. The
rules, and why, are in docs/deploy.md ("Backups and the restore drill").
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.exceptions import ApplicationError
from unionportal.storage import CHUNK, KINDS, copy_verified, sha256, walk

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
FILES = "files"
PREFIX = "backup-"
# Rows the portal deletes by design (expired sessions, purged import files, spent poll
# invitations, Telegram bookkeeping): an older backup may hold more of them than the live
# database without anything being wrong. Named by app label so the lowest layer does not
# import the apps; a model that does not exist (an app not installed) is skipped.
PRUNED_MODELS = (
    "sessions.Session",
    "unionportal.SpreadsheetUpload",
    "messaging.ProcessedUpdate",
    "messaging.ChatAppeal",
    "messaging.NativePoll",
    "polls.Invitation",
)
# A PostgreSQL identifier is at most 63 bytes.
PG_NAME_MAX = 63
# A scratch database is named <live name>_drill_<UTC YYYYmmddHHMMSS>_<6 hex>.
SCRATCH_SUFFIX_LENGTH = len("_drill_YYYYmmddHHMMSS_xxxxxx")


def scratch_name_prefix() -> str:
    """The live database's name, cut so that a scratch name fits PostgreSQL's 63 characters."""
    return connection.settings_dict["NAME"][: PG_NAME_MAX - SCRATCH_SUFFIX_LENGTH]


class BackupUnavailable(ApplicationError):
    """The backup or the drill cannot run here (no dump, no pg_restore, wrong engine): exit 2."""


class BackupFailed(ApplicationError):
    """The backup could not be written (pg_dump refused, a file copy failed); nothing was kept."""


# --- shared --------------------------------------------------------------------------


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupUnavailable(_("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def _wrapper(alias: str, **overrides):
    """A separate Django connection to the live database's server, or to another database on it."""
    settings_dict = {**connection.settings_dict, **overrides}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)


def _table_counts(db) -> dict[str, int]:
    """Rows per table of a database, through any Django connection to it."""
    with db.cursor() as cursor:
        tables = db.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(table)}")  # noqa: S608 - names from the catalog
            counts[table] = cursor.fetchone()[0]
    return counts


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(**overrides) -> dict[str, str]:
    """The libpq environment for pg_dump and friends: the password never on a command line."""
    db = connection.settings_dict
    env = {**os.environ}
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db.get("NAME") or "",
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode", ""),
        **overrides,
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupUnavailable(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client-15).") % {"program": name}
        )
    return path


def _run(program: str, *args: str) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client program found on PATH, the connection in its environment.

    The arguments are ours (a snapshot id, file and database names the portal made), never
    a visitor's; the password travels in PGPASSWORD, so it shows in no process list.
    """
    return subprocess.run([_binary(program), *args], env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def mirror_storage(root: Path, kind: str) -> FileSystemStorage:
    """The backup's copy of one side of the uploads (public media, private files)."""
    return FileSystemStorage(
        location=Path(root) / FILES / kind, base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def pruned_tables() -> set[str]:
    tables = set()
    for label in PRUNED_MODELS:
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:
            continue
    return tables


# --- the backup ----------------------------------------------------------------------


def backup_create(*, now: datetime.datetime | None = None) -> Path:
    """Take a backup of the database and the uploads into BACKUP_DIR; the new directory.

    Then removes backups older than BACKUP_KEEP_DAYS (never the newest) and the copies of
    files no kept manifest names.
    """
    engine = _engine()
    root = Path(settings.BACKUP_DIR)
    # Dumps and attachments are personal data: readable by the portal's user only.
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    final = root / f"{PREFIX}{stamp}"
    if final.exists():
        raise BackupFailed(_("A backup named %(name)s exists already; try again in a second.") % {"name": final.name})
    partial = root / f".{PREFIX}{stamp}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        if engine == "postgresql":
            dump = partial / PG_DUMP
            tables = _pg_dump(dump)
        else:
            dump = partial / SQLITE_DUMP
            tables = _sqlite_backup(dump)
        files = _copy_files(root)
        manifest = {
            "format": 1,
            "created": now.isoformat(),
            "engine": engine,
            "dump": {"name": dump.name, "sha256": _file_sha256(dump), "bytes": dump.stat().st_size},
            "tables": tables,
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        for written in partial.iterdir():
            written.chmod(0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log.info("backup %s written: %d tables, %d files", final.name, len(tables), len(files))
    backup_prune(now=now)
    return final


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump -Fc of the live database; rows per table counted in the very snapshot dumped."""
    _binary("pg_dump")
    db = _wrapper("backup_snapshot")
    try:
        db.ensure_connection()
        with db.cursor() as cursor:
            # The transaction stays open while pg_dump runs: it dumps this snapshot.
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = _table_counts(db)
        result = _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        if result.returncode != 0:
            raise BackupFailed(_("pg_dump failed: %(error)s") % {"error": _last_line(result.stderr)})
        with db.cursor() as cursor:
            cursor.execute("ROLLBACK")
    finally:
        db.close()
    return counts


def _sqlite_backup(target: Path) -> dict[str, int]:
    """SQLite's online backup API: a consistent copy while the site keeps writing."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    copy = _wrapper("backup_copy", NAME=str(target), OPTIONS={})
    try:
        return _table_counts(copy)
    finally:
        copy.close()


def _copy_files(root: Path) -> list[dict]:
    """Copy every stored file (disk or object store) into the backup's files/, verified.

    A file the last backup copied, still of the size it recorded at the source and in the
    copy, is taken as copied without reading it again: upload names are never reused
    (``file_overwrite=False``), so a night costs a listing and one size per file rather than
    reading the whole store. The drill's sample reads copies back in full.
    """
    known = {}
    previous = backup_list(root)
    if previous:
        try:
            known = {(entry["kind"], entry["name"]): entry for entry in _read_manifest(previous[-1])["files"]}
        except BackupUnavailable:
            pass  # the last manifest is unreadable: read and compare every file again
    entries = []
    for kind in KINDS:
        live, mirror = storages[kind], mirror_storage(root, kind)
        for name in walk(live):
            entry = known.get((kind, name))
            if entry and mirror.exists(name) and live.size(name) == entry["bytes"] == mirror.size(name):
                entries.append(entry)
                continue
            try:
                checksum, _copied = copy_verified(live, mirror, name)
            except ApplicationError as error:
                raise BackupFailed(error.message) from None
            entries.append({"kind": kind, "name": name, "sha256": checksum, "bytes": mirror.size(name)})
    return entries


def backup_list(root: Path | None = None) -> list[Path]:
    """Complete backups (a manifest written), oldest first."""
    root = Path(root or settings.BACKUP_DIR)
    if not root.is_dir():
        return []
    return sorted(path for path in root.glob(f"{PREFIX}*") if path.is_dir() and (path / MANIFEST).is_file())


def backup_prune(*, now: datetime.datetime | None = None) -> list[str]:
    """Remove backups older than BACKUP_KEEP_DAYS, never the newest; then unnamed file copies."""
    root = Path(settings.BACKUP_DIR)
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS)
    manifests = {}
    for path in backup_list(root):
        try:
            manifests[path] = _read_manifest(path)
        except BackupUnavailable:
            manifests[path] = None  # kept for a person to look at
    removed = []
    for path in list(manifests)[:-1]:
        manifest = manifests[path]
        if manifest and datetime.datetime.fromisoformat(manifest["created"]) < cutoff:
            shutil.rmtree(path)
            removed.append(path.name)
            del manifests[path]
    # Leftovers of a backup cut short (a killed process) a day ago or more.
    for partial in root.glob(f".{PREFIX}*.partial"):
        if partial.stat().st_mtime < (now - datetime.timedelta(days=1)).timestamp():
            shutil.rmtree(partial, ignore_errors=True)
    if None in manifests.values():
        # Which files an unreadable manifest names is unknown: remove no file copies.
        log.warning("a backup manifest in BACKUP_DIR cannot be read; no file copies were removed")
        return removed
    named = {(entry["kind"], entry["name"]) for manifest in manifests.values() for entry in manifest["files"]}
    for kind in KINDS:
        mirror = mirror_storage(root, kind)
        for name in list(walk(mirror)):
            if (kind, name) not in named:
                mirror.delete(name)
    return removed


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if not all(key in manifest for key in ("created", "dump", "files", "tables")) or "name" not in manifest["dump"]:
            raise KeyError("created, dump, files, tables")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupUnavailable(
            _("The manifest of %(name)s cannot be read (%(error)s): check that backup by hand.")
            % {"name": path.name, "error": error}
        ) from None
    return manifest


# --- the restore drill ---------------------------------------------------------------


@dataclass
class DrillReport:
    """What the drill found, in sentences for the operator (already translated)."""

    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def ok(self, text: str) -> None:
        self.lines.append(_("OK: %(text)s") % {"text": text})

    def note(self, text: str) -> None:
        self.lines.append(_("Note: %(text)s") % {"text": text})

    def fail(self, text: str) -> None:
        self.failures.append(text)
        self.lines.append(_("FAILED: %(text)s") % {"text": text})


@dataclass
class Scratch:
    """The temporary database a dump is restored into."""

    engine: str
    name: str  # the PostgreSQL database name, or the SQLite file's path
    created: bool = False  # only a scratch database this drill created is ever dropped

    def connect(self):
        if self.engine == "postgresql":
            return _wrapper("drill_scratch", NAME=self.name)
        return _wrapper("drill_scratch", NAME=self.name, OPTIONS={})


def _locate(dump: str | None) -> tuple[Path, Path | None]:
    """(the dump file, its backup directory or None when the file stands alone)."""
    if dump:
        path = Path(dump)
        if path.is_dir():
            if not (path / MANIFEST).is_file():
                raise BackupUnavailable(_("%(path)s holds no backup manifest.") % {"path": path})
            return path / _read_manifest(path)["dump"]["name"], path
        if not path.is_file():
            raise BackupUnavailable(_("No dump at %(path)s.") % {"path": path})
        return path, path.parent if (path.parent / MANIFEST).is_file() else None
    backups = backup_list()
    if not backups:
        raise BackupUnavailable(
            _("No backup found in %(dir)s: run manage.py backup first, or name a dump with --dump.")
            % {"dir": settings.BACKUP_DIR}
        )
    newest = backups[-1]
    return newest / _read_manifest(newest)["dump"]["name"], newest


def _dump_engine(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PGDMP"):
        return "postgresql"
    if head.startswith(b"SQLite format 3"):
        return "sqlite"
    raise BackupUnavailable(_("%(path)s is neither a pg_dump -Fc file nor a SQLite database.") % {"path": path.name})


def drill_run(*, dump: str | None = None, sample_files: int | None = None) -> DrillReport:
    """Restore a dump into a scratch database and check it; the scratch database is always dropped."""
    engine = _engine()
    dump_path, backup_dir = _locate(dump)
    manifest = _read_manifest(backup_dir) if backup_dir else None
    dump_engine = _dump_engine(dump_path)
    if dump_engine != engine:
        raise BackupUnavailable(
            _("The dump is of a %(dump)s database, the live one is %(live)s: restore it where it belongs.")
            % {"dump": dump_engine, "live": engine}
        )
    if engine == "postgresql":
        for program in ("createdb", "pg_restore", "dropdb"):
            _binary(program)
    report = DrillReport()
    if manifest:
        report.note(
            _("backup %(name)s, taken %(when)s.")
            % {
                "name": backup_dir.name,
                "when": timezone.localtime(datetime.datetime.fromisoformat(manifest["created"])).strftime(
                    "%d.%m.%Y %H:%M"
                ),
            }
        )
        if _file_sha256(dump_path) != manifest["dump"]["sha256"]:
            report.fail(
                _(
                    "the dump %(name)s is not the file the backup wrote (its SHA-256 differs): it was cut short or changed."
                )
                % {"name": dump_path.name}
            )
            return report
        report.ok(_("the dump's SHA-256 is the one the backup recorded."))
    else:
        report.note(
            _("%(name)s has no manifest: rows are compared with the live database only, files are not checked.")
            % {"name": dump_path.name}
        )

    if engine == "postgresql":
        _drop_abandoned_scratch(report)
    scratch = _scratch_for(engine)
    try:
        if not restore_into_scratch(dump_path, scratch, report):
            return report
        db = scratch.connect()
        try:
            restored = _table_counts(db)
        finally:
            db.close()
    finally:
        _drop_scratch(scratch)
    _compare_rows(
        report, restored=restored, live=_table_counts(connection), recorded=manifest["tables"] if manifest else None
    )
    if manifest:
        count = settings.BACKUP_DRILL_FILES if sample_files is None else sample_files
        _check_files(report, backup_dir.parent, manifest["files"], count)
    return report


def _scratch_for(engine: str) -> Scratch:
    # The random part keeps two drills started in one second apart.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S") + "_" + secrets.token_hex(3)
    if engine == "postgresql":
        return Scratch(engine, f"{scratch_name_prefix()}_drill_{stamp}")
    handle, path = tempfile.mkstemp(prefix=f"drill_{stamp}_", suffix=".sqlite3")
    os.close(handle)
    return Scratch(engine, path, created=True)


def restore_into_scratch(dump: Path, scratch: Scratch, report: DrillReport) -> bool:
    """Create the scratch database and restore the dump into it; False (and a failure) if it does not restore."""
    if scratch.engine == "postgresql":
        created = _run("createdb", "--template=template0", scratch.name)
        if created.returncode != 0:
            raise BackupUnavailable(
                _("Could not create the scratch database %(name)s: %(error)s")
                % {"name": scratch.name, "error": _last_line(created.stderr)}
            )
        scratch.created = True
        restored = _run(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={scratch.name}", str(dump)
        )
        if restored.returncode != 0:
            report.fail(_("pg_restore could not restore the dump: %(error)s") % {"error": _last_line(restored.stderr)})
            return False
    else:
        try:
            source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)
            target = sqlite3.connect(scratch.name)
            try:
                source.backup(target)
                verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                source.close()
                target.close()
        except sqlite3.DatabaseError as error:
            report.fail(_("the SQLite dump cannot be read: %(error)s") % {"error": error})
            return False
        if verdict != "ok":
            report.fail(_("the SQLite dump fails its integrity check: %(error)s") % {"error": verdict})
            return False
    report.ok(_("the dump restores into a scratch database."))
    return True


def _drop_scratch(scratch: Scratch) -> None:
    if not scratch.created:
        return
    if scratch.engine == "postgresql":
        dropped = _run("dropdb", "--if-exists", "--force", scratch.name)
        if dropped.returncode != 0:
            log.warning("could not drop the scratch database %s: %s", scratch.name, _last_line(dropped.stderr))
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(scratch.name + suffix).unlink(missing_ok=True)


ABANDONED_AFTER = datetime.timedelta(hours=6)


def _drop_abandoned_scratch(report: DrillReport) -> None:
    """Drop the scratch databases of drills that were killed (SIGKILL, a power cut) before
    they could drop them: each is a full copy of the members' data. Those younger than
    ABANDONED_AFTER may belong to a drill still running and are left alone."""
    base = scratch_name_prefix()
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [base.replace("_", "\\_") + "\\_drill\\_%"])
        names = [row[0] for row in cursor.fetchall()]
    cutoff = timezone.now() - ABANDONED_AFTER
    for name in names:
        stamp = name.rsplit("_drill_", 1)[1][:14]
        try:
            started = datetime.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if started < cutoff:
            _drop_scratch(Scratch("postgresql", name, created=True))
            report.note(_("dropped %(name)s, left behind by an interrupted drill.") % {"name": name})


def _compare_rows(report: DrillReport, *, restored: dict, live: dict, recorded: dict | None) -> None:
    """The rules of docs/deploy.md: the restore must give back exactly what the backup recorded;
    against the live database, only what cannot be explained by time passing fails."""
    failures_before = len(report.failures)
    if recorded is not None:
        for table in sorted(set(recorded) | set(restored)):
            if recorded.get(table) != restored.get(table):
                report.fail(
                    _("table %(table)s: the backup recorded %(recorded)s rows, the restore gave %(restored)s.")
                    % {"table": table, "recorded": recorded.get(table, "—"), "restored": restored.get(table, "—")}
                )
    pruned = pruned_tables()
    newer_tables = newer_rows = 0
    for table in sorted(live):
        if table not in restored:
            if recorded is not None and table not in recorded:
                report.note(
                    _("table %(table)s is newer than the backup: run migrate after restoring it.") % {"table": table}
                )
            else:
                report.fail(_("table %(table)s is missing from the restored copy.") % {"table": table})
            continue
        was, now = restored[table], live[table]
        if was == 0 and now > 0 and recorded is None:
            report.fail(
                _("table %(table)s is empty in the backup, the live database has %(live)s rows.")
                % {"table": table, "live": now}
            )
        elif was > now and table not in pruned:
            report.fail(
                _(
                    "table %(table)s: the backup has more rows (%(backup)s) than the live database (%(live)s); is this a backup of this database, or were rows deleted by mistake?"
                )
                % {"table": table, "backup": was, "live": now}
            )
        elif now > was:
            newer_tables += 1
            newer_rows += now - was
    for table in sorted(set(restored) - set(live)):
        report.note(_("table %(table)s is only in the backup (dropped since).") % {"table": table})
    if newer_tables:
        report.note(
            _("%(rows)s rows in %(tables)s tables were written after the backup was taken.")
            % {"rows": newer_rows, "tables": newer_tables}
        )
    if len(report.failures) == failures_before:
        report.ok(
            _("rows of %(count)s tables checked against the backup's record and the live database.")
            % {"count": len(restored)}
        )


def _check_files(report: DrillReport, root: Path, entries: list[dict], count: int) -> None:
    """Read a random sample of files back from the backup's copy; each must match its recorded and live SHA-256."""
    if not entries:
        report.note(_("the backup holds no stored files."))
        return
    sample = secrets.SystemRandom().sample(entries, min(max(count, 0), len(entries)))
    failures_before = len(report.failures)
    gone = 0
    for entry in sample:
        kind, name = entry["kind"], entry["name"]
        copy = mirror_storage(root, kind)
        if not copy.exists(name):
            report.fail(_("file %(name)s is not in the backup's copy.") % {"name": name})
            continue
        if sha256(copy, name) != entry["sha256"]:
            report.fail(
                _("file %(name)s: the backup's copy differs from the file that was backed up.") % {"name": name}
            )
            continue
        live = storages[kind]
        try:
            if not live.exists(name):
                gone += 1
                continue
            live_checksum = sha256(live, name)
        except OSError as error:
            report.fail(
                _("file %(name)s cannot be read from the live storage: %(error)s") % {"name": name, "error": error}
            )
            continue
        if live_checksum != entry["sha256"]:
            report.fail(_("file %(name)s: the live file differs from the backup's copy.") % {"name": name})
    if gone:
        report.note(
            _(
                "%(count)s of the sampled files were deleted from the site after the backup (an anonymised appeal's attachment, say)."
            )
            % {"count": gone}
        )
    if len(report.failures) == failures_before:
        report.ok(
            _("%(checked)s of %(total)s stored files read back from the backup, checksums equal.")
            % {"checked": len(sample), "total": len(entries)}
        )
