"""The public form at /appeal/: what a member and a bot meet."""

import io

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from appeals.choices import Channel, Status
from appeals.consent import CURRENT_VERSION, consent_text
from appeals.models import Appeal
from tests.appeals.conftest import code_from
from tests.db_writes import recorded_writes

URL = "/appeal/"
pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_the_full_consent_text_in_russian(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert consent_text("ru")[:80] in response.content.decode()
    assert 'name="website"' in response.content.decode()
    assert 'name="form_token"' in response.content.decode()


def test_it_shows_the_consent_text_in_kazakh_on_the_kazakh_page(client):
    response = client.get("/kk/appeal/")
    assert consent_text("kk")[:80] in response.content.decode()


def test_it_stores_an_appeal_and_sends_the_member_to_its_status_page(client, appeal_data, branch_a):
    response = client.post(URL, appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB
    assert appeal.status == Status.NEW
    assert appeal.branch == branch_a
    assert appeal.consent_version == CURRENT_VERSION and appeal.consent_at is not None
    assert appeal.tracking_code == code_from(response)
    page = client.get(response["Location"])
    assert appeal.reference in page.content.decode()
    assert "Почему мне не доплатили" in page.content.decode()


def test_a_valid_appeal_is_stored_in_few_queries(client, appeal_data, django_assert_num_queries):
    from django.db import connection

    data = appeal_data()
    # The branch chosen (the form checks it is an active branch), then, in a savepoint inside
    # the test's transaction, the appeal and its first event: one statement on PostgreSQL,
    # two INSERTs on SQLite. Neither the form token nor the reference is looked up first:
    # their unique indexes refuse a used one.
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        response = client.post(URL, data)
    assert response.status_code == 302
    assert Appeal.objects.get().events.count() == 1


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_an_appeal_is_one_statement_and_opens_no_transaction(client, appeal_data):
    """A member's appeal costs two round trips to the database: the branch check and one
    statement writing the appeal with its first event, in autocommit (BEGIN and COMMIT
    would be two more)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write is PostgreSQL's; SQLite writes two INSERTs in a transaction")
    with recorded_writes() as writes:
        response = client.post(URL, appeal_data())
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert list(appeal.events.values_list("kind", flat=True)) == ["submitted"]
    sql, in_autocommit = writes[0]
    assert sql.startswith("WITH") and '"appeals_appealevent"' in sql and in_autocommit
    # Everything after it is the e-mail's bookkeeping, which the worker does (eager here).
    assert not any('INSERT INTO "appeals_appeal' in later for later, _ in writes[1:])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_resubmission_meets_the_unique_token_and_stores_nothing(appeal_data):
    """As a real request runs: the refused statement leaves no appeal and no event, and the
    first appeal is found for the member."""
    from appeals import services
    from appeals.models import AppealEvent
    from unionportal.exceptions import DuplicateError

    kwargs = dict(topic="wages", question="Вопрос", consent=True, form_token="same-token", language="ru", name="Т", email="a@example.invalid")
    first, _code = services.appeal_submit(**kwargs)
    with pytest.raises(DuplicateError) as exc:
        services.appeal_submit(**kwargs)
    assert exc.value.extra["existing"] == first
    assert Appeal.objects.count() == 1 and AppealEvent.objects.count() == 1


def test_the_code_is_stored_only_as_a_hash(client, appeal_data):
    response = client.post(URL, appeal_data())
    code = code_from(response)
    appeal = Appeal.objects.get()
    assert len(code) >= 20
    assert code not in {appeal.code_hash, appeal.code_salt, appeal.reference}


def test_it_e_mails_the_member_the_tracking_link_after_commit(client, appeal_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, appeal_data())
    to_member = [m for m in mail.outbox if m.to == ["member@example.invalid"]]
    assert len(to_member) == 1
    assert code_from(response) in to_member[0].body
    assert Appeal.objects.get().notified_at is not None


def test_an_anonymous_appeal_keeps_no_contacts_and_says_no_answer_can_be_sent(client, appeal_data):
    response = client.post(URL, appeal_data(is_anonymous="on", name="", phone="", email="secret@example.invalid"))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and not (appeal.name or appeal.phone or appeal.email)
    page = client.get(response["Location"]).content.decode()
    assert "анонимное" in page.lower()


def test_a_named_appeal_needs_a_name_and_a_contact_and_keeps_the_input(client, appeal_data):
    response = client.post(URL, appeal_data(name="", phone="", email=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Почему мне не доплатили" in page
    assert "Укажите телефон или e-mail" in page
    assert not Appeal.objects.exists()


def test_errors_come_in_kazakh_on_the_kazakh_page(client, appeal_data):
    response = client.post("/kk/appeal/", appeal_data(consent=None))
    assert response.status_code == 200
    assert "келісімсіз" in response.content.decode().lower()
    assert not Appeal.objects.exists()


def test_it_refuses_the_appeal_without_consent(client, appeal_data):
    response = client.post(URL, appeal_data(consent=None))
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_a_filled_honeypot_stores_nothing(client, appeal_data):
    response = client.post(URL, appeal_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_a_form_sent_faster_than_a_person_can_fill_it_is_refused_with_input_kept(client, appeal_data):
    from appeals.protection import issue_form_token

    response = client.post(URL, appeal_data(form_token=issue_form_token()))
    assert response.status_code == 400
    assert "слишком быстро" in response.content.decode()
    assert "Почему мне не доплатили" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_forged_token_is_refused(client, appeal_data):
    response = client.post(URL, appeal_data(form_token="forged"))
    assert response.status_code == 400
    assert not Appeal.objects.exists()


@override_settings(APPEAL_RATE_LIMIT_PER_HOUR=2)
def test_the_third_appeal_from_one_address_within_the_hour_is_refused(client, appeal_data):
    assert client.post(URL, appeal_data()).status_code == 302
    assert client.post(URL, appeal_data()).status_code == 302
    response = client.post(URL, appeal_data())
    assert response.status_code == 429
    assert Appeal.objects.count() == 2
    other = client.post(URL, appeal_data(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_double_click_stores_one_appeal_and_shows_it_twice(client, appeal_data):
    data = appeal_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Appeal.objects.count() == 1
    assert first["Location"] == second["Location"]


@override_settings(APPEAL_RATE_LIMIT_PER_HOUR=2)
def test_a_double_click_does_not_use_up_the_hourly_limit(client, appeal_data):
    data = appeal_data()
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, data).status_code == 302
    assert client.post(URL, appeal_data()).status_code == 302
    assert Appeal.objects.count() == 2


@override_settings(APPEAL_RATE_LIMIT_PER_HOUR=1)
def test_at_the_hourly_limit_a_double_click_still_shows_the_appeal(client, appeal_data):
    data = appeal_data()
    first = client.post(URL, data)
    second = client.post(URL, data, follow=True)
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Ваше обращение уже получено" in second.content.decode()
    assert Appeal.objects.count() == 1


def test_a_resubmission_racing_past_the_check_meets_the_unique_token(appeal_data):
    from appeals import services
    from unionportal.exceptions import DuplicateError

    kwargs = dict(topic="wages", question="Вопрос", consent=True, form_token="same-token", language="ru", name="Т", email="a@example.invalid")
    first, _code = services.appeal_submit(**kwargs)
    with pytest.raises(DuplicateError) as exc:
        services.appeal_submit(**kwargs)
    assert exc.value.extra["existing"] == first
    assert Appeal.objects.count() == 1


def test_an_overlong_question_is_refused_with_a_message(client, appeal_data):
    response = client.post(URL, appeal_data(question="а" * 5001))
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_garbage_input_never_gives_a_500(client, appeal_data):
    for data in (
        {},
        {"form_token": "x"},
        appeal_data(branch="not-a-number", workplace="999999", topic="nonsense"),
        appeal_data(email="not-an-email"),
        appeal_data(question="\x00\x01"),
    ):
        assert client.post(URL, data).status_code < 500


@pytest.mark.parametrize("choice", ["inactive", "school_as_branch", "unknown", "past_the_column", "negative", "text"])
def test_a_choice_the_lists_do_not_offer_is_refused_in_the_members_language(client, appeal_data, branch_a, choice):
    from branches.choices import OrganisationKind
    from tests.branches.factories import OrganisationFactory

    closed = OrganisationFactory(slug="closed", is_active=False)
    school = OrganisationFactory(slug="school-7", kind=OrganisationKind.PRIMARY, parent=branch_a)
    value = {"inactive": closed.pk, "school_as_branch": school.pk, "unknown": 10**6, "past_the_column": 10**30,
             "negative": -1, "text": "1 OR 1=1"}[choice]
    response = client.post(URL, appeal_data(branch=str(value)))
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_school_chosen_as_the_workplace_is_stored_with_the_appeal(client, appeal_data, branch_a):
    from branches.choices import OrganisationKind
    from tests.branches.factories import OrganisationFactory

    school = OrganisationFactory(slug="school-8", kind=OrganisationKind.PRIMARY, parent=branch_a)
    assert str(school.pk) in client.get(URL).content.decode()  # offered in the list
    response = client.post(URL, appeal_data(workplace=str(school.pk)))
    assert response.status_code == 302
    appeal = Appeal.objects.select_related("workplace").get()
    assert appeal.workplace == school and appeal.workplace.slug == "school-8"


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_it_accepts_an_image_attachment_and_keeps_it_out_of_public_media(client, appeal_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client.post(URL, {**appeal_data(), "attachment": _png()})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.attachment
    assert "media" not in appeal.attachment.path.split("private")[1]
    assert str(tmp_path / "media") not in appeal.attachment.path


def test_it_refuses_a_file_that_is_not_an_image_or_pdf(client, appeal_data):
    bogus = io.BytesIO(b"MZ\x90\x00 not really")
    bogus.name = "invoice.pdf"
    response = client.post(URL, {**appeal_data(), "attachment": bogus})
    assert response.status_code == 200
    assert not Appeal.objects.exists()


def test_a_logged_in_member_sees_their_appeals_on_mine(client, member, appeal_data):
    client.force_login(member)
    client.post(URL, appeal_data())
    response = client.get(reverse("appeals:mine"))
    assert Appeal.objects.get().reference in response.content.decode()


def test_a_visitor_is_sent_to_log_in_from_mine(client):
    response = client.get(reverse("appeals:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_e_mail_longer_than_the_field_holds_is_a_form_error_not_a_500(client, appeal_data):
    # Valid by the e-mail validator (up to 320 characters) but longer than the 254 stored.
    long_email = "member-of-the-union@" + ".".join(["d" * 60] * 4) + ".kz"
    assert 254 < len(long_email) <= 320
    response = client.post(URL, appeal_data(email=long_email))
    assert response.status_code == 200
    assert Appeal.objects.count() == 0
    assert response.context["form"].errors["email"]


def test_the_phone_is_kept_in_its_international_form(client, appeal_data):
    client.post(URL, appeal_data(phone="8 (701) 555-12-34"))
    assert Appeal.objects.get().phone == "+77015551234"


def test_a_malformed_phone_is_refused_in_the_members_language_and_nothing_is_stored(client, appeal_data):
    response = client.post("/kk/appeal/", appeal_data(phone="12-34"))
    assert response.status_code == 200
    assert "телефон нөмірі емес" in response.content.decode()
    assert not Appeal.objects.exists()


def test_each_form_lists_the_organisations_active_when_it_is_shown(branch_a, regional_org):
    """The forms share one lazy list of organisations: it is read anew for every form."""
    from appeals.forms import AppealForm
    from tests.branches.factories import OrganisationFactory

    first = str(AppealForm()["branch"])
    assert branch_a.name in first and "Новый филиал" not in first
    new = OrganisationFactory(slug="branch-new", name_ru="Новый филиал", parent=regional_org)
    assert "Новый филиал" in str(AppealForm()["branch"])
    new.is_active = False
    new.save()
    assert "Новый филиал" not in str(AppealForm()["branch"])


def test_a_forms_choices_are_its_own(branch_a):
    from appeals.forms import AppealForm

    changed = AppealForm()
    changed.fields["topic"].choices = [("wages", "Только зарплата")]
    changed.fields["branch"].widget.attrs["aria-invalid"] = "true"
    other = AppealForm()
    assert len(other.fields["topic"].choices) > 2 and 'aria-invalid' not in str(other["branch"])
    assert f'value="{branch_a.pk}"' in str(other["branch"])
