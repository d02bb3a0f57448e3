"""`manage.py move_files`: disk -> store and back, resumable, each file's checksum verified."""

import pytest
from django.core.management import CommandError, call_command

from tests.unionportal.s3_server import keys
from unionportal.storage import private_root


def _put(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def files_on_disk(s3_store, settings):
    public = settings.MEDIA_ROOT / "publications" / "2024" / "photo-abc.jpg"
    private = private_root(settings.MEDIA_ROOT) / "2024" / "03" / "scan-def.pdf"
    _put(public, b"\xff\xd8 a photo")
    _put(private, b"%PDF-1.4 a member's scan")
    return public, private


def _object(client, key) -> bytes:
    return client.get_object(Bucket=client.portal_bucket, Key=key)["Body"].read()


def test_it_copies_public_and_private_files_to_the_store_and_a_rerun_copies_nothing(s3_store, files_on_disk, capsys):
    call_command("move_files", "--to", "store")
    assert keys(s3_store) == ["media/publications/2024/photo-abc.jpg", "private/appeals/2024/03/scan-def.pdf"]
    assert _object(s3_store, "private/appeals/2024/03/scan-def.pdf") == b"%PDF-1.4 a member's scan"
    acl = s3_store.get_object_acl(Bucket=s3_store.portal_bucket, Key="private/appeals/2024/03/scan-def.pdf")
    assert not [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("/global/AllUsers")]
    assert "copied 2, already there 0" in capsys.readouterr().out

    call_command("move_files", "--to", "store")
    assert "copied 0, already there 2" in capsys.readouterr().out


def test_an_interrupted_run_is_finished_and_a_wrong_copy_replaced(s3_store, files_on_disk, capsys):
    # As if a run died half-way: one file there, the other written only in part.
    s3_store.put_object(Bucket=s3_store.portal_bucket, Key="media/publications/2024/photo-abc.jpg", Body=b"\xff\xd8 a photo")
    s3_store.put_object(Bucket=s3_store.portal_bucket, Key="private/appeals/2024/03/scan-def.pdf", Body=b"%PDF-1.4 a mem")

    call_command("move_files", "--to", "store")

    assert "copied 1, already there 1" in capsys.readouterr().out
    assert _object(s3_store, "private/appeals/2024/03/scan-def.pdf") == b"%PDF-1.4 a member's scan"


def test_it_brings_the_files_back_to_an_empty_disk(s3_store, files_on_disk):
    public, private = files_on_disk
    call_command("move_files", "--to", "store")
    public.unlink()
    private.unlink()

    call_command("move_files", "--to", "disk")

    assert public.read_bytes() == b"\xff\xd8 a photo"
    assert private.read_bytes() == b"%PDF-1.4 a member's scan"


def test_a_dry_run_copies_nothing(s3_store, files_on_disk, capsys):
    call_command("move_files", "--to", "store", "--dry-run")
    assert keys(s3_store) == []
    assert "would copy 2" in capsys.readouterr().out


def test_without_a_store_it_says_what_to_set(settings):
    settings.S3_STORAGE = None
    with pytest.raises(CommandError, match="STORAGE_URL"):
        call_command("move_files", "--to", "store")
