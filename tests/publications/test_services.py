"""Writes to the publications log: quick entry, duplicates, scoping, a month at once, images."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from branches.choices import Platform
from publications import services
from publications.choices import Channel
from publications.models import Publication, PublicationImage
from tests.branches.factories import PrimaryOrganisationFactory, SocialPageFactory
from tests.publications.factories import ALMATY, PublicationFactory
from unionportal.exceptions import AccessDenied, ApplicationError, DuplicateError

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2024, 3, 7, 11, 0, tzinfo=ALMATY)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def facebook_page(branch_a):
    return SocialPageFactory(
        organisation=branch_a,
        platform=Platform.FACEBOOK,
        handle="100065923713592",
        url="https://www.facebook.com/profile.php?id=100065923713592",
    )


@pytest.fixture
def instagram_page(branch_a):
    return SocialPageFactory(
        organisation=branch_a,
        platform=Platform.INSTAGRAM,
        handle="profsoyz_kazibekbi_krg",
        url="https://www.instagram.com/profsoyz_kazibekbi_krg/",
    )


def test_quick_entry_recognises_the_page_and_organisation_of_a_post(facebook_page, branch_a):
    recognised = services.publication_recognise_url(
        url="https://m.facebook.com/profile.php?id=100065923713592&mibextid=qi2Omg"
    )
    assert recognised.social_page == facebook_page
    assert recognised.organisation == branch_a
    assert recognised.channel == Channel.FACEBOOK
    assert recognised.initial["organisation"] == branch_a.pk
    assert recognised.initial["social_page"] == facebook_page.pk
    assert recognised.duplicate is None


def test_quick_entry_drops_tracking_parameters_from_the_link(db):
    recognised = services.publication_recognise_url(
        url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg"
    )
    assert recognised.url == "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/"
    assert recognised.channel == Channel.FACEBOOK
    assert recognised.social_page is None


def test_quick_entry_finds_a_link_already_logged(branch_a):
    existing = PublicationFactory(organisation=branch_a, url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/")
    recognised = services.publication_recognise_url(
        url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg"
    )
    assert recognised.duplicate == existing


def test_it_refuses_a_duplicate_url_with_a_link_to_the_existing_record(branch_a, regional_staff):
    existing = PublicationFactory(organisation=branch_a, url="https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/")
    with pytest.raises(DuplicateError) as excinfo:
        services.publication_create(
            user=regional_staff,
            published_at=WHEN,
            title="Again",
            channel=Channel.FACEBOOK,
            organisation=branch_a,
            url="https://m.facebook.com/share/p/jchbrXiXFm9KEXtH/?mibextid=qi2Omg",
        )
    assert excinfo.value.extra["existing"] == existing
    assert f"/admin/publications/publication/{existing.pk}/change/" in excinfo.value.message
    assert Publication.objects.count() == 1


def test_many_publications_without_a_link_are_fine(branch_a):
    for title in ("Стенд", "Памятка"):
        services.publication_create(published_at=WHEN, title=title, channel=Channel.STAND, organisation=branch_a)
    assert Publication.objects.filter(url="").count() == 2


def test_a_publication_takes_the_organisation_of_its_page(facebook_page, branch_a):
    publication = services.publication_create(
        published_at=WHEN, title="Пост", channel=Channel.FACEBOOK, social_page=facebook_page
    )
    assert publication.organisation == branch_a


def test_a_page_of_another_organisation_is_refused(facebook_page, branch_b):
    with pytest.raises(ValidationError) as excinfo:
        services.publication_create(
            published_at=WHEN, title="Пост", channel=Channel.FACEBOOK, organisation=branch_b, social_page=facebook_page
        )
    assert "social_page" in excinfo.value.message_dict


def test_a_page_of_a_primary_organisation_counts_for_its_branch(branch_a):
    school = PrimaryOrganisationFactory(parent=branch_a)
    page = SocialPageFactory(organisation=school)
    publication = services.publication_create(
        published_at=WHEN, title="Пост школы", channel=Channel.INSTAGRAM, organisation=branch_a, social_page=page
    )
    assert publication.social_page == page


def test_a_branch_editor_logs_only_for_their_organisation(editor_a, branch_a, branch_b):
    mine = services.publication_create(
        user=editor_a, published_at=WHEN, title="Наш пост", channel=Channel.FACEBOOK, organisation=branch_a
    )
    assert mine.created_by == editor_a
    with pytest.raises(AccessDenied):
        services.publication_create(
            user=editor_a, published_at=WHEN, title="Чужой пост", channel=Channel.FACEBOOK, organisation=branch_b
        )
    with pytest.raises(AccessDenied):
        services.publication_update(publication=mine, user=editor_a, organisation=branch_b)
    mine.refresh_from_db()
    assert mine.organisation == branch_a


def test_a_month_is_saved_all_or_nothing(branch_a, regional_staff):
    PublicationFactory(organisation=branch_a, url="https://t.me/profsoyuz/15")
    rows = [
        {"published_at": WHEN, "title": "Один", "channel": Channel.TELEGRAM, "organisation": branch_a},
        {
            "published_at": WHEN,
            "title": "Два",
            "channel": Channel.TELEGRAM,
            "organisation": branch_a,
            "url": "https://t.me/profsoyuz/15",
        },
        {"published_at": WHEN, "title": "", "channel": Channel.TELEGRAM, "organisation": branch_a},
    ]
    with pytest.raises(ApplicationError) as excinfo:
        services.publications_create_many(user=regional_staff, rows=rows)
    assert set(excinfo.value.extra["errors"]) == {1, 2}
    assert Publication.objects.count() == 1

    created = services.publications_create_many(user=regional_staff, rows=[rows[0]])
    assert len(created) == 1


def _jpeg(size=(800, 600), exif=None):
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", **kwargs)
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_image_is_stored_without_exif_and_with_a_thumbnail(branch_a, media_root):
    publication = PublicationFactory(organisation=branch_a)
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    image = services.publication_add_image(
        publication=publication, file=SimpleUploadedFile("photo.jpg", _jpeg(exif=exif)), caption="Слёт"
    )
    assert (image.width, image.height) == (800, 600)
    with open(image.image.path, "rb") as stored:
        assert b"SecretCameraMaker" not in stored.read()
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) <= 480
    assert len(_stored_files(media_root)) == 2


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("photo.jpg", b"<?php echo 'not an image'; ?>" * 10, "not_image"),
        ("bomb.png", None, "too_many_pixels"),
        ("huge.jpg", "oversized", "too_large"),
    ],
)
def test_a_refused_image_stores_nothing(branch_a, media_root, settings, name, content, code):
    publication = PublicationFactory(organisation=branch_a)
    if content is None:
        settings.UPLOAD_MAX_PIXELS = 1_000_000
        out = io.BytesIO()
        Image.new("L", (5000, 5000)).save(out, "PNG")
        content = out.getvalue()
    elif content == "oversized":
        settings.UPLOAD_MAX_BYTES = 2_000
        content = _jpeg()
    with pytest.raises(ValidationError) as excinfo:
        services.publication_add_image(publication=publication, file=SimpleUploadedFile(name, content))
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]
    assert not PublicationImage.objects.exists()
    assert _stored_files(media_root) == []
