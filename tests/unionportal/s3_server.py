"""moto in server mode on 127.0.0.1: the S3-compatible store the storage tests talk to.

The portal reaches it over real HTTP through boto3, exactly as it would reach MinIO or a
cloud store; nothing of boto3 is patched.
"""

from __future__ import annotations

import socket
import uuid

import boto3
import pytest
from botocore.config import Config

from unionportal.storage import storages_setting

PORT = 19210
BUCKET = "portal-files"
CREDENTIALS = {"aws_access_key_id": "testing-key", "aws_secret_access_key": "testing-secret"}


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="session")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    port = next((p for p in range(PORT, PORT + 10) if _free(p)), None)
    if port is None:
        pytest.skip(f"no free port for moto in {PORT}-{PORT + 9}")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(moto_endpoint, settings, tmp_path):
    """A fresh bucket, and the portal's STORAGES pointed at it. Yields a boto3 client."""
    bucket = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="us-east-1", config=Config(s3={"addressing_style": "path"}), **CREDENTIALS
    )
    client.create_bucket(Bucket=bucket)
    config = {
        "bucket": bucket,
        "private_bucket": "",
        "endpoint_url": moto_endpoint,
        "access_key": CREDENTIALS["aws_access_key_id"],
        "secret_key": CREDENTIALS["aws_secret_access_key"],
        "region": "us-east-1",
        "custom_domain": "",
        "public_acl": "public-read",
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.S3_STORAGE = config
    settings.STORAGES = {
        **storages_setting(config, media_root=settings.MEDIA_ROOT, signed_url_seconds=settings.PRIVATE_FILE_URL_SECONDS),
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    client.portal_bucket = bucket
    yield client


def keys(client) -> list[str]:
    listing = client.list_objects_v2(Bucket=client.portal_bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))
