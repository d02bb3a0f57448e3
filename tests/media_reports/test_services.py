import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from media_reports.choices import AppearanceKind, OutletKind
from media_reports.models import MediaAppearance
from media_reports.services import appearance_create, subscription_set
from tests.media_reports.factories import OutletFactory, ProgrammeFactory, SpeakerFactory
from tests.pdfs import minimal_pdf
from unionportal.exceptions import DuplicateError

pytestmark = pytest.mark.django_db


def _create(branch, **extra):
    data = {
        "date": datetime.date(2023, 4, 18),
        "outlet": extra.pop("outlet", None) or OutletFactory(name="1-Карагандинский", kind=OutletKind.TV_CHANNEL),
        "kind": AppearanceKind.TV_BROADCAST,
        "title": "Безопасность и охрана труда",
        "organisation": branch,
    }
    data.update(extra)
    return appearance_create(**data)


def test_it_records_an_appearance_with_its_speakers(branch_a):
    speaker = SpeakerFactory(name="Ракишева А.", organisation=branch_a)
    appearance = _create(branch_a, speakers=[speaker], link="https://youtu.be/q7xQNHFiueU", duration_minutes=25)
    assert list(appearance.speakers.all()) == [speaker]
    assert appearance.video.video_id == "q7xQNHFiueU"


def test_it_keeps_outlet_names_exactly_as_entered(branch_a):
    outlet = OutletFactory(name="Білімді ел – Образованная страна")
    appearance = _create(branch_a, outlet=outlet, kind=AppearanceKind.ARTICLE)
    assert MediaAppearance.objects.get(pk=appearance.pk).outlet.name == "Білімді ел – Образованная страна"


def test_it_drops_the_stray_space_of_a_pasted_link(branch_a):
    appearance = _create(branch_a, link="https://youtu.be/rUlsl2hpIZ4?si =vIzx0LyNKOseW6ri")
    assert appearance.link == "https://youtu.be/rUlsl2hpIZ4?si=vIzx0LyNKOseW6ri"


def test_it_refuses_a_duplicate_appearance(branch_a):
    first = _create(branch_a)
    with pytest.raises(DuplicateError) as exc:
        _create(branch_a)
    assert exc.value.extra["existing"] == first


def test_the_database_refuses_a_duplicate_too(branch_a):
    first = _create(branch_a)
    with pytest.raises(IntegrityError):
        MediaAppearance.objects.create(
            date=first.date, outlet=first.outlet, kind=first.kind, title=first.title, organisation=branch_a
        )


def test_it_refuses_a_programme_of_another_outlet(branch_a):
    other = ProgrammeFactory(name="Зеленая волна")
    with pytest.raises(ValidationError) as exc:
        _create(branch_a, programme=other)
    assert "programme" in exc.value.message_dict


def test_an_article_has_no_duration(branch_a):
    with pytest.raises(ValidationError) as exc:
        _create(branch_a, kind=AppearanceKind.ARTICLE, duration_minutes=10)
    assert "duration_minutes" in exc.value.message_dict


def test_an_audience_estimate_needs_its_source(branch_a):
    with pytest.raises(ValidationError) as exc:
        _create(branch_a, audience_estimate=5000)
    assert "audience_source" in exc.value.message_dict
    appearance = _create(branch_a, audience_estimate=5000, audience_source="тираж газеты")
    assert appearance.audience_estimate == 5000


def _png_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"
    Image.new("RGB", (40, 30), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_image_clipping_is_stored_without_its_exif(branch_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("scan.jpg", _png_with_exif(), content_type="image/jpeg")
    appearance = _create(branch_a, kind=AppearanceKind.ARTICLE, clipping=upload)
    with appearance.clipping.open("rb") as f:
        data = f.read()
    assert b"SecretCamera" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_pdf_clipping_is_accepted(branch_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("clip.pdf", minimal_pdf(), content_type="application/pdf")
    appearance = _create(branch_a, kind=AppearanceKind.ARTICLE, clipping=upload)
    assert appearance.clipping.name.endswith(".pdf")


def test_a_clipping_that_is_neither_pdf_nor_image_is_refused(branch_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("clip.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        _create(branch_a, kind=AppearanceKind.ARTICLE, clipping=upload)
    assert not MediaAppearance.objects.exists()


def test_a_subscription_is_one_row_per_organisation_year_and_paper(branch_a):
    paper = OutletFactory(name="Қазақстан кәсіподағы")
    subscription_set(organisation=branch_a, year=2024, outlet=paper, copies=5)
    corrected = subscription_set(organisation=branch_a, year=2024, outlet=paper, copies=7)
    assert corrected.copies == 7
    assert branch_a.newspaper_subscriptions.count() == 1


def test_one_cannot_subscribe_to_a_tv_channel(branch_a):
    channel = OutletFactory(name="Новое телевидение", kind=OutletKind.TV_CHANNEL)
    with pytest.raises(ValidationError):
        subscription_set(organisation=branch_a, year=2024, outlet=channel, copies=1)


def test_a_subscription_needs_at_least_one_copy(branch_a):
    paper = OutletFactory(name="Қазақстан кәсіподағы")
    with pytest.raises(ValidationError):
        subscription_set(organisation=branch_a, year=2024, outlet=paper, copies=0)
