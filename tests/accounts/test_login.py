"""Logging in, out and resetting a password through allauth, in the portal's frame."""

import pytest
from django.core import mail
from django.test import Client


@pytest.mark.django_db
def test_staff_log_in_with_their_username_and_land_on_the_home_page(regional_staff):
    response = Client().post("/accounts/login/", {"login": "regional_staff", "password": "pass-for-tests-123"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_wrong_password_re_renders_the_form_with_an_error_in_russian(regional_staff):
    response = Client().post("/accounts/login/", {"login": "regional_staff", "password": "wrong"})
    assert response.status_code == 200
    assert "неверны" in response.content.decode().lower() or "неправильн" in response.content.decode().lower()


@pytest.mark.django_db
def test_the_kazakh_login_page_is_in_kazakh():
    body = Client().get("/kk/accounts/login/").content.decode()
    assert 'lang="kk"' in body
    assert "Кіру" in body


@pytest.mark.django_db
def test_a_password_reset_sends_an_e_mail_with_a_link(regional_staff):
    response = Client().post("/accounts/password/reset/", {"email": regional_staff.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert regional_staff.email in mail.outbox[0].to
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_logging_out_ends_the_session(regional_staff):
    client = Client()
    client.force_login(regional_staff)
    client.post("/accounts/logout/")
    assert client.get("/admin/").status_code == 302
