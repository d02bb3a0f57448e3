"""Where uploaded files live: the local disk (one server) or an S3-compatible store (many).

Two storages, named in `settings.STORAGES`:

- ``default``: public media (publication images, thumbnails, clippings), served by their URL.
- ``private``: files holding personal data (appeal attachments). On disk they sit outside
  MEDIA_ROOT; in the store under their own prefix (or bucket), written with the ``private``
  ACL, and their only URLs are signed and short-lived. The portal itself streams them
  through the staff view (`appeals.views.attachment`).

`s3_settings` reads the settings the storages are built from; `disk_storage` and
`store_storage` give either side on demand, for the `move_files` command. `walk`,
`sha256` and `copy_verified` are the one way files are copied between storages (`move_files`
and the backup, unionportal/backups.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from unionportal.exceptions import ApplicationError

KINDS = ("default", "private")
CHUNK = 1024 * 1024


class FileCopyError(ApplicationError):
    """A copy could not be made faithfully; nothing at the destination was overwritten."""


def parse_storage_url(url: str) -> dict:
    """``s3://KEY:SECRET@host:port/bucket?region=…&secure=0&private_bucket=…`` as settings.

    The scheme is ``s3`` (https to the endpoint) or ``s3+http`` (plain http, for a store on
    the private network). Without a host the endpoint is AWS itself.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("s3", "s3+http", "s3+https"):
        raise ValueError("STORAGE_URL must start with s3:// or s3+http://")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    bucket = parts.path.strip("/")
    if not bucket:
        raise ValueError("STORAGE_URL must name the bucket: s3://key:secret@host/bucket")
    endpoint = ""
    if parts.hostname:
        scheme = "http" if parts.scheme == "s3+http" or query.get("secure") == "0" else "https"
        endpoint = f"{scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return {
        "bucket": bucket,
        "private_bucket": query.get("private_bucket", ""),
        "endpoint_url": endpoint,
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
        "region": query.get("region", ""),
        "custom_domain": query.get("custom_domain", ""),
    }


def s3_options(config: dict, kind: str, *, signed_url_seconds: int = 300) -> dict:
    """OPTIONS for `storages.backends.s3.S3Storage`, for the public or the private side."""
    options = {
        "bucket_name": config["bucket"],
        "endpoint_url": config["endpoint_url"] or None,
        "access_key": config["access_key"] or None,
        "secret_key": config["secret_key"] or None,
        "region_name": config["region"] or None,
        "file_overwrite": False,
        "addressing_style": "path" if config["endpoint_url"] else None,
    }
    if kind == "private":
        options.update(
            bucket_name=config["private_bucket"] or config["bucket"],
            location="" if config["private_bucket"] else "private/appeals",
            default_acl="private",
            querystring_auth=True,
            querystring_expire=signed_url_seconds,
            custom_domain=None,
        )
    else:
        options.update(
            location="media",
            default_acl=config.get("public_acl") or None,
            querystring_auth=False,
            custom_domain=config["custom_domain"] or None,
        )
    return options


def storages_setting(config: dict | None, *, media_root, signed_url_seconds: int = 300) -> dict:
    """The ``default`` and ``private`` entries of STORAGES."""
    if not config:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(private_root(media_root)), "base_url": None},
            },
        }
    return {
        kind: {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": s3_options(config, kind, signed_url_seconds=signed_url_seconds),
        }
        for kind in KINDS
    }


def private_root(media_root) -> Path:
    """Private files on disk: beside MEDIA_ROOT, never under it (nginx serves MEDIA_ROOT)."""
    return Path(media_root).parent / "private" / "appeals"


def disk_storage(kind: str):
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    if kind == "private":
        return FileSystemStorage(location=private_root(settings.MEDIA_ROOT), base_url=None)
    return FileSystemStorage(location=settings.MEDIA_ROOT)


def store_storage(kind: str):
    """The object store's side, or None when no store is configured."""
    from django.conf import settings
    from storages.backends.s3 import S3Storage

    if not settings.S3_STORAGE:
        return None
    return S3Storage(**s3_options(settings.S3_STORAGE, kind, signed_url_seconds=settings.PRIVATE_FILE_URL_SECONDS))


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up when first used (and again after STORAGES changes).

    A FileField evaluates its storage callable once, at import; this proxy keeps the choice
    of disk or store to the settings in force, as `default_storage` does for public media.
    """

    def _setup(self):
        from django.core.files.storage import storages

        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def walk(storage, prefix: str = ""):
    """Every file name in a storage (disk or store), sorted, directories depth-first."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:  # a disk directory never made: nothing there
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from walk(storage, f"{prefix}{directory}/")


def sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def copy_verified(source, target, name: str, *, dry_run: bool = False) -> tuple[str, bool]:
    """Copy `name` from one storage to another under the same name; (SHA-256, copied?).

    A file already at the target with the same SHA-256 is left alone (so an interrupted run
    is simply run again); a different or partial copy is replaced. The copy is read back and
    compared before it counts; a mismatch removes it and raises `FileCopyError`.
    """
    checksum = sha256(source, name)
    if target.exists(name):
        if sha256(target, name) == checksum:
            return checksum, False
        if dry_run:
            return checksum, True
        # A half-written or stale copy from an interrupted run: replace it.
        target.delete(name)
    elif dry_run:
        return checksum, True
    with source.open(name, "rb") as handle:
        saved = target.save(name, handle)
    if saved != name:
        raise FileCopyError(
            _("%(name)s: the destination stored it as %(saved)s; nothing was overwritten, check by hand.")
            % {"name": name, "saved": saved}
        )
    if sha256(target, name) != checksum:
        target.delete(name)
        raise FileCopyError(_("%(name)s: the copy's SHA-256 differs from the original; the copy was removed.") % {"name": name})
    return checksum, True
