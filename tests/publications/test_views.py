"""The public news pages and the staff pages of the publications log."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from branches.choices import Platform
from publications.choices import Channel
from publications.models import Publication, Rubric
from tests.branches.factories import SocialPageFactory
from tests.publications.factories import ALMATY, PublicationFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _bulk(organisation, n, *, rubric=None, start=0):
    base = dt.datetime(2024, 6, 1, 12, tzinfo=ALMATY)
    Publication.objects.bulk_create(
        Publication(
            organisation=organisation,
            title=f"Публикация {start + i}",
            text="Текст",
            channel=Channel.FACEBOOK if i % 2 else Channel.INSTAGRAM,
            rubric=rubric,
            published_at=base - dt.timedelta(hours=start + i),
        )
        for i in range(n)
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_news_list_shows_the_newest_first(client, branch_a):
    old = PublicationFactory(
        organisation=branch_a, title="Старая новость", published_at=dt.datetime(2022, 1, 5, tzinfo=ALMATY)
    )
    new = PublicationFactory(
        organisation=branch_a, title="Жаңа жаңалық", published_at=dt.datetime(2024, 1, 5, tzinfo=ALMATY)
    )
    response = client.get(reverse("publications:list"))
    body = response.content.decode()
    assert body.index(new.title) < body.index(old.title)


def test_the_news_list_filters_by_rubric_channel_organisation_and_year(client, branch_a, branch_b):
    rubric = RubricFactory(slug="chelovek-truda", name="Человек труда")
    PublicationFactory(organisation=branch_a, title="Рубричный пост", rubric=rubric)
    PublicationFactory(organisation=branch_b, title="Брошюра филиала Б", channel=Channel.BROCHURE)
    PublicationFactory(
        organisation=branch_a, title="Пост 2022 года", published_at=dt.datetime(2022, 3, 1, tzinfo=ALMATY)
    )
    url = reverse("publications:list")

    body = client.get(url, {"rubric": "chelovek-truda"}).content.decode()
    assert "Рубричный пост" in body and "Брошюра филиала Б" not in body
    body = client.get(url, {"channel": "brochure"}).content.decode()
    assert "Брошюра филиала Б" in body and "Рубричный пост" not in body
    body = client.get(url, {"organisation": "branch-b"}).content.decode()
    assert "Брошюра филиала Б" in body and "Рубричный пост" not in body
    body = client.get(url, {"year": "2022"}).content.decode()
    assert "Пост 2022 года" in body and "Рубричный пост" not in body


def test_bad_filter_values_are_ignored_not_an_error(client, branch_a):
    PublicationFactory(organisation=branch_a, title="Видна всегда")
    response = client.get(reverse("publications:list"), {"rubric": "nope", "year": "<script>", "older": "1_x"})
    assert response.status_code == 200
    assert "Видна всегда" in response.content.decode()


def test_the_news_list_pages_with_older_and_newer_links(client, branch_a):
    _bulk(branch_a, 45)
    response = client.get(reverse("publications:list"))
    page = response.context["page"]
    assert len(page.items) == 20 and page.older_cursor and not page.newer_cursor
    second = client.get(reverse("publications:list"), {"older": page.older_cursor}).context["page"]
    assert second.items[0].title == "Публикация 20"
    assert second.newer_cursor


def test_the_news_list_keeps_its_query_count_from_10_to_1000_rows(client, branch_a):
    rubric = RubricFactory()
    _bulk(branch_a, 10, rubric=rubric)
    small, _response = _queries(client, reverse("publications:list"))
    filtered_small, _response = _queries(client, reverse("publications:list") + f"?rubric={rubric.slug}&year=2024")
    _bulk(branch_a, 990, rubric=rubric, start=10)
    large, response = _queries(client, reverse("publications:list"))
    filtered_large, _response = _queries(client, reverse("publications:list") + f"?rubric={rubric.slug}&year=2024")
    assert small == large
    assert filtered_small == filtered_large


def test_the_news_filters_read_their_kazakh_names_in_one_query_each(client, branch_a, branch_b, django_assert_num_queries):
    RubricFactory(name="Человек труда", name_kk="Еңбек адамы")
    PublicationFactory(organisation=branch_a)
    # The years, the page of rows, the organisations and the rubrics offered.
    with django_assert_num_queries(4):
        html = client.get("/kk/news/").content.decode()
    assert "Еңбек адамы" in html and "А филиалы" in html and "Б филиалы" in html


def test_the_news_list_makes_no_count_query(client, branch_a):
    _bulk(branch_a, 30)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("publications:list"))
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_feed_keeps_its_query_count_from_10_to_1000_rows(client, branch_a):
    rubric = RubricFactory()
    _bulk(branch_a, 10, rubric=rubric)
    small, _response = _queries(client, reverse("publications:feed"))
    _bulk(branch_a, 990, rubric=rubric, start=10)
    large, response = _queries(client, reverse("publications:feed"))
    assert small == large
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response.content.decode().count("<entry>") == 30


@pytest.mark.parametrize("page", ["home", "branch", "month"])
def test_every_page_listing_publications_reads_a_row_in_the_same_query(client, branch_a, regional_staff, page):
    # The lists read only the columns a row shows: a column a row needs and the list left
    # out would cost one more query per row, and the count would grow with the rows. In
    # Kazakh, so that the Kazakh names are read too.
    if page == "month":
        client.force_login(regional_staff)
    with translation.override("kk"):
        url = {
            "home": reverse("home"),
            "branch": reverse("branches:detail", args=[branch_a.slug]),
            "month": reverse("publications:month") + "?month=2024-06",
        }[page]
    rubric = RubricFactory(name="Человек труда", name_kk="Еңбек адамы")
    _bulk(branch_a, 1, rubric=rubric)
    client.get(url)  # warm the session and permission caches
    one, _response = _queries(client, url)
    _bulk(branch_a, 9, rubric=rubric, start=1)
    ten, response = _queries(client, url)
    html = response.content.decode()
    assert one == ten
    assert "Публикация 0" in html and "Публикация 4" in html
    assert "А филиалы" in html and "Филиал А" not in html
    if page == "month":
        assert "Еңбек адамы" in html


def test_the_admin_list_keeps_its_query_count_from_10_to_1000_rows(client, branch_a, regional_staff):
    client.force_login(regional_staff)
    url = reverse("admin:publications_publication_changelist")
    rubric = RubricFactory()
    _bulk(branch_a, 10, rubric=rubric)
    client.get(url)  # warm the session and permission caches
    small, _response = _queries(client, url)
    _bulk(branch_a, 990, rubric=rubric, start=10)
    large, _response = _queries(client, url)
    assert small == large


def test_the_detail_page_shows_the_content_as_entered(client, branch_a, django_assert_max_num_queries):
    rubric = RubricFactory(slug="nazik", name="Еңбегімен еленген нәзік жандар")
    topic = TopicFactory(name_ru="Защита трудовых прав")
    publication = PublicationFactory(
        organisation=branch_a,
        title="«Еңбегімен еленген нәзік жандар»",
        text="Ұстаздар туралы <b>айдар</b>",
        rubric=rubric,
        url="https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/",
        views=1200,
    )
    publication.topics.add(topic)
    publication.reposts.create(partner_name="Управление образования")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("publications:detail", args=[publication.pk]))
    body = response.content.decode()
    assert "«Еңбегімен еленген нәзік жандар»" in body
    assert "Ұстаздар туралы &lt;b&gt;айдар&lt;/b&gt;" in body  # shown as typed, never as HTML
    assert "Защита трудовых прав" in body and "Управление образования" in body
    assert "https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/" in body
    assert "1200" in body


def test_an_unknown_publication_is_404(client, db):
    assert client.get(reverse("publications:detail", args=[999999])).status_code == 404


# --- Quick entry -----------------------------------------------------------------------


def test_quick_entry_prefills_the_page_and_organisation(client, editor_a, branch_a):
    page = SocialPageFactory(
        organisation=branch_a,
        platform=Platform.INSTAGRAM,
        handle="profsoyz_shahtinsk",
        url="https://www.instagram.com/profsoyz_shahtinsk/",
    )
    client.force_login(editor_a)
    response = client.get(reverse("publications:quick"), {"url": "https://instagram.com/profsoyz_shahtinsk/?igsh=abc"})
    form = response.context["form"]
    assert form.initial["organisation"] == branch_a.pk
    assert form.initial["social_page"] == page.pk
    assert form.initial["channel"] == Channel.INSTAGRAM
    assert "Recognised" in response.content.decode()


def test_quick_entry_saves_the_confirmed_publication(client, editor_a, branch_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("publications:quick"),
        {
            "published_at": "2024-03-07T11:00",
            "title": "Еңбегімен еленген нәзік жандар",
            "channel": "facebook",
            "organisation": branch_a.pk,
            "language": "kk",
            "url": "https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/?mibextid=qi2Omg",
        },
    )
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == publication.get_absolute_url()
    assert publication.url == "https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/"
    assert publication.created_by == editor_a
    assert publication.published_at == dt.datetime(2024, 3, 7, 11, 0, tzinfo=ALMATY)


def test_quick_entry_refuses_a_duplicate_with_a_link_to_the_existing_record(client, editor_a, branch_a):
    existing = PublicationFactory(organisation=branch_a, url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/")
    client.force_login(editor_a)
    response = client.get(
        reverse("publications:quick"), {"url": "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg"}
    )
    body = response.content.decode()
    assert "already logged" in body
    assert reverse("admin:publications_publication_change", args=[existing.pk]) in body
    assert "form" not in response.context

    response = client.post(
        reverse("publications:quick"),
        {
            "published_at": "2024-04-30T10:00",
            "title": "Дубль",
            "channel": "facebook",
            "organisation": branch_a.pk,
            "language": "ru",
            "url": "https://m.facebook.com/share/p/DThzxLrzkzdYjkdG/",
        },
    )
    assert response.status_code == 200
    assert "already logged" in response.content.decode()
    assert Publication.objects.count() == 1


def test_a_branch_editor_cannot_log_for_another_branch(client, editor_a, branch_b):
    client.force_login(editor_a)
    response = client.post(
        reverse("publications:quick"),
        {
            "published_at": "2024-04-30T10:00",
            "title": "Чужое",
            "channel": "facebook",
            "organisation": branch_b.pk,
            "language": "ru",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Publication.objects.exists()


def test_the_admin_add_form_is_prefilled_from_a_link(client, regional_staff, branch_a):
    SocialPageFactory(
        organisation=branch_a,
        platform=Platform.FACEBOOK,
        handle="100065923713592",
        url="https://www.facebook.com/profile.php?id=100065923713592",
    )
    client.force_login(regional_staff)
    response = client.get(
        reverse("admin:publications_publication_add"),
        {"url": "https://www.facebook.com/profile.php?id=100065923713592"},
    )
    assert response.context["adminform"].form.initial["organisation"] == branch_a.pk


def test_the_admin_refuses_a_duplicate_url(client, regional_staff, branch_a):
    existing = PublicationFactory(organisation=branch_a, url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/")
    client.force_login(regional_staff)
    data = {
        "url": "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg",
        "published_at_0": "2024-04-30",
        "published_at_1": "10:00",
        "title": "Дубль",
        "channel": "facebook",
        "organisation": branch_a.pk,
        "language": "ru",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "reposts-TOTAL_FORMS": "0",
        "reposts-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:publications_publication_add"), data)
    assert response.status_code == 200
    assert reverse("admin:publications_publication_change", args=[existing.pk]) in response.content.decode()
    assert Publication.objects.count() == 1


# --- The month screen, import page, export ---------------------------------------------


def test_the_month_screen_saves_several_rows_at_once(client, editor_a, branch_a):
    client.force_login(editor_a)
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "60"}
    for i, day in enumerate([3, 17]):
        data.update(
            {
                f"form-{i}-day": str(day),
                f"form-{i}-title": f"Пост {day} марта",
                f"form-{i}-channel": "instagram",
                f"form-{i}-organisation": str(branch_a.pk),
            }
        )
    response = client.post(reverse("publications:month") + "?month=2024-03", data)
    assert response.status_code == 302
    titles = sorted(Publication.objects.values_list("title", flat=True))
    assert titles == ["Пост 17 марта", "Пост 3 марта"]
    response = client.get(reverse("publications:month") + "?month=2024-03")
    assert len(response.context["logged"]) == 2


def test_the_month_screen_refuses_a_day_the_month_lacks(client, regional_staff, branch_a):
    client.force_login(regional_staff)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-day": "30",
        "form-0-title": "Тридцатое февраля",
        "form-0-channel": "facebook",
        "form-0-organisation": str(branch_a.pk),
    }
    response = client.post(reverse("publications:month") + "?month=2024-02", data)
    assert response.status_code == 200
    assert not Publication.objects.exists()


def test_the_export_holds_only_the_editors_branch(client, editor_a, branch_a, branch_b):
    PublicationFactory(organisation=branch_a, title="Пост филиала А")
    PublicationFactory(organisation=branch_b, title="Пост филиала Б")
    client.force_login(editor_a)
    body = client.get(reverse("publications:export", args=["csv"])).content.decode("utf-8-sig")
    assert "Пост филиала А" in body and "Пост филиала Б" not in body


def test_the_seeded_rubrics_are_there(db):
    assert set(Rubric.objects.values_list("name", flat=True)) >= {"Человек труда", "Еңбегімен еленген нәзік жандар"}


def test_the_home_page_shows_the_latest_news(client, branch_a):
    _bulk(branch_a, 8)
    body = client.get(reverse("home")).content.decode()
    assert "Публикация 0" in body and "Публикация 4" in body
    assert "Публикация 5" not in body


def test_the_admin_filters_by_branch_including_its_primary_organisations(client, regional_staff, branch_a, branch_b):
    from tests.branches.factories import PrimaryOrganisationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    PublicationFactory(organisation=school, title="Пост школы")
    PublicationFactory(organisation=branch_b, title="Пост филиала Б")
    client.force_login(regional_staff)
    response = client.get(reverse("admin:publications_publication_changelist"), {"branch": "branch-a"})
    assert [p.title for p in response.context["cl"].result_list] == ["Пост школы"]


def _admin_change_data(publication, image):
    return {
        "url": "",
        "published_at_0": "2024-04-30",
        "published_at_1": "10:00",
        "title": publication.title,
        "channel": "facebook",
        "organisation": publication.organisation_id,
        "language": "ru",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": image,
        "images-0-caption": "Фото",
        "images-0-position": "0",
        "reposts-TOTAL_FORMS": "0",
        "reposts-INITIAL_FORMS": "0",
    }


def test_the_admin_checks_images_by_content_and_makes_thumbnails(client, editor_a, branch_a, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    publication = PublicationFactory(organisation=branch_a)
    client.force_login(editor_a)
    url = reverse("admin:publications_publication_change", args=[publication.pk])

    fake = SimpleUploadedFile("photo.jpg", b"not an image at all" * 50, content_type="image/jpeg")
    response = client.post(url, _admin_change_data(publication, fake))
    assert response.status_code == 200
    assert not publication.images.exists()

    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (200, 10, 10)).save(out, "JPEG")
    real = SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")
    response = client.post(url, _admin_change_data(publication, real))
    assert response.status_code == 302
    image = publication.images.get()
    assert image.thumbnail
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.size == (480, 270)


@pytest.mark.parametrize("query", ["year=9999", "year=99999999999", "year=0"])
def test_the_counts_page_shows_every_year_for_a_year_out_of_reach(client, regional_staff, query):
    client.force_login(regional_staff)
    response = client.get(reverse("publications:counts") + "?" + query)
    assert response.status_code == 200
    assert response.context["year"] is None


@pytest.mark.parametrize("query", ["month=9999-12", "month=0001-01"])
def test_the_month_screen_falls_back_to_this_month_for_a_month_out_of_reach(client, regional_staff, query):
    client.force_login(regional_staff)
    response = client.get(reverse("publications:month") + "?" + query)
    assert response.status_code == 200
    assert response.context["month_value"] == timezone.localdate().strftime("%Y-%m")


def test_the_admin_changes_an_images_caption_and_replaces_its_file_with_a_new_thumbnail(
    client, editor_a, branch_a, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from publications import services

    def jpeg(size):
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x010F] = "SecretCameraMaker"
        Image.new("RGB", size, (10, 200, 10)).save(out, "JPEG", exif=exif)
        return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")

    settings.MEDIA_ROOT = tmp_path
    publication = PublicationFactory(organisation=branch_a)
    image = services.publication_add_image(publication=publication, file=jpeg((1600, 900)), caption="Старое")
    client.force_login(editor_a)
    data = {
        **_admin_change_data(publication, jpeg((900, 1600))),
        "images-INITIAL_FORMS": "1",
        "images-0-id": image.pk,
        "images-0-publication": publication.pk,
        "images-0-caption": "  Слёт  ",
        "images-0-position": "3",
    }
    response = client.post(reverse("admin:publications_publication_change", args=[publication.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    image.refresh_from_db()
    assert (image.caption, image.position) == ("Слёт", 3)
    assert (image.width, image.height) == (900, 1600)
    with open(image.image.path, "rb") as stored:
        assert b"SecretCameraMaker" not in stored.read()
    with Image.open(image.thumbnail.path) as thumb:
        assert thumb.size == (270, 480)
