"""Issue 11, item 14: signup and password reset do not tell whether an address is registered."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client


def _signup(email, username):
    return Client().post(
        "/accounts/signup/",
        {"email": email, "username": username, "password1": "a-long-pass-7531", "password2": "a-long-pass-7531"},
    )


@pytest.mark.django_db
def test_signing_up_with_a_registered_address_answers_as_for_a_new_one(member):
    fresh = _signup("nobody-yet@example.kz", "newcomer")
    taken = _signup(member.email, "impostor")
    assert fresh.status_code == taken.status_code == 302
    assert fresh["Location"] == taken["Location"] == "/accounts/confirm-email/"
    assert "already" not in Client().get(taken["Location"]).content.decode().lower()
    # No second account with the member's address; its owner is told by e-mail instead.
    assert not get_user_model().objects.filter(username="impostor").exists()
    assert any(m.to == [member.email] for m in mail.outbox)


@pytest.mark.django_db
def test_a_new_member_signs_in_only_after_confirming_the_address(db):
    _signup("nobody-yet@example.kz", "newcomer")
    response = Client().post("/accounts/login/", {"login": "newcomer", "password": "a-long-pass-7531"})
    assert response["Location"] == "/accounts/confirm-email/"


@pytest.mark.django_db
def test_a_password_reset_answers_the_same_for_an_unknown_address(member):
    known = Client().post("/accounts/password/reset/", {"email": member.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "stranger@example.kz"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_a_deployment_that_makes_verification_optional_is_warned(settings):
    from accounts.checks import check_signup_does_not_enumerate

    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    settings.ACCOUNT_ALLOW_REGISTRATION = True
    assert [w.id for w in check_signup_does_not_enumerate(None)] == ["accounts.W001"]
    settings.ACCOUNT_ALLOW_REGISTRATION = False
    assert check_signup_does_not_enumerate(None) == []
