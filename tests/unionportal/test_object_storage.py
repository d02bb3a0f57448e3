"""With an S3-compatible store configured, every web node reads and writes the same files.

moto runs in server mode on 127.0.0.1 (tests/unionportal/s3_server.py); the portal talks to
it through django-storages and boto3 over HTTP.
"""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from publications import services as publication_services
from tests.appeals.factories import AppealFactory
from tests.publications.factories import PublicationFactory
from tests.unionportal.s3_server import keys

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(out, "JPEG")
    return out.getvalue()


def test_an_appeal_attachment_is_kept_in_the_private_prefix_and_staff_read_it_back(s3_store, client, regional_staff, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)

    stored = [key for key in keys(s3_store) if key.startswith("private/appeals/")]
    assert stored == [f"private/appeals/{appeal.attachment.name}"]
    client.force_login(regional_staff)
    response = client.get(reverse("appeals:attachment", args=[appeal.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%test\n"


def test_a_private_file_has_no_public_url(s3_store, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)
    key = f"private/appeals/{appeal.attachment.name}"

    acl = s3_store.get_object_acl(Bucket=s3_store.portal_bucket, Key=key)
    everyone = [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("/global/AllUsers")]
    assert everyone == []
    # The only link the storage gives out is signed and dies within minutes.
    query = parse_qs(urlsplit(appeal.attachment.url).query)
    assert "X-Amz-Signature" in query or "Signature" in query
    assert int(query.get("X-Amz-Expires", ["0"])[0]) <= 300 or "Expires" in query
    # Asked for without the signature, the store refuses it.
    plain = appeal.attachment.url.split("?", 1)[0]
    assert requests.get(plain, timeout=10).status_code == 403
    assert requests.get(appeal.attachment.url, timeout=10).content == b"%PDF-1.4\n%test\n"


def test_an_attachment_gone_from_the_store_is_a_404(s3_store, client, regional_staff, branch_a):
    appeal = AppealFactory(branch=branch_a, with_attachment=True)
    s3_store.delete_object(Bucket=s3_store.portal_bucket, Key=f"private/appeals/{appeal.attachment.name}")
    client.force_login(regional_staff)
    assert client.get(reverse("appeals:attachment", args=[appeal.pk])).status_code == 404


def test_a_publication_image_is_in_the_store_and_the_news_page_links_to_it(s3_store, client, branch_a):
    publication = PublicationFactory(organisation=branch_a)
    image = publication_services.publication_add_image(
        publication=publication, file=SimpleUploadedFile("photo.jpg", _jpeg())
    )

    stored = keys(s3_store)
    assert f"media/{image.image.name}" in stored and f"media/{image.thumbnail.name}" in stored
    page = client.get(reverse("publications:detail", args=[publication.pk])).content.decode()
    assert image.image.url in page and image.image.url.startswith("http://127.0.0.1:")
    assert "X-Amz-Signature" not in image.image.url
    # Anyone's browser fetches it from the store without credentials.
    fetched = requests.get(image.image.url, timeout=10)
    assert fetched.status_code == 200
    assert Image.open(io.BytesIO(fetched.content)).size == (64, 48)


def test_a_refused_image_never_reaches_the_store(s3_store, branch_a):
    publication = PublicationFactory(organisation=branch_a)
    with pytest.raises(Exception) as excinfo:
        publication_services.publication_add_image(
            publication=publication, file=SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>" * 10)
        )
    assert getattr(excinfo.value, "code", None) == "not_image"
    assert keys(s3_store) == []


def test_storage_url_names_the_store_the_bucket_and_the_keys():
    from unionportal.storage import parse_storage_url

    config = parse_storage_url("s3+http://key%2F1:se%40cret@minio.internal:9000/portal-files?private_bucket=portal-private")
    assert config["endpoint_url"] == "http://minio.internal:9000"
    assert (config["bucket"], config["private_bucket"]) == ("portal-files", "portal-private")
    assert (config["access_key"], config["secret_key"]) == ("key/1", "se@cret")
    with pytest.raises(ValueError):
        parse_storage_url("s3://key:secret@minio.internal:9000/")
