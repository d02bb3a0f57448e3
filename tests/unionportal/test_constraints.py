"""Constraints that speak: every database constraint of the portal's models says, in the
user's language, what rule was broken (rather than Django's "Constraint … is violated")."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from branches.models import FollowerCount
from tests.branches.factories import SocialPageFactory

ROOT = Path(__file__).resolve().parents[2]
# Every app of this repository, whichever joins later (messaging, polls …), not the libraries'.
PORTAL_APPS = {config.label for config in apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)}


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label in PORTAL_APPS:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_the_check_covers_every_app_of_the_portal():
    assert {"accounts", "branches", "publications", "appeals", "media_reports", "giveaways", "messaging", "polls"} <= PORTAL_APPS
    assert {label for model, _constraint in _constraints() for label in [model._meta.app_label]} >= {"messaging", "polls"}


@pytest.mark.parametrize("model,constraint", list(_constraints()), ids=lambda v: getattr(v, "name", None) or v._meta.label)
def test_every_constraint_has_its_own_message(model, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message, (
        f"{model._meta.label}: {constraint.name} has no violation_error_message"
    )
    # gettext_lazy: read in the language of whoever meets it, not the one at start-up.
    assert isinstance(constraint.violation_error_message, Promise), f"{constraint.name}: message not translatable"


@pytest.mark.django_db
def test_a_broken_constraint_reads_in_the_users_language(branch_a):
    page = SocialPageFactory(organisation=branch_a)
    FollowerCount.objects.create(social_page=page, date=datetime.date(2024, 3, 1), count=10)
    again = FollowerCount(social_page=page, date=datetime.date(2024, 3, 1), count=12)
    for language, sentence in (
        ("ru", "Для этой страницы уже записано число подписчиков на эту дату."),
        ("kk", "Бұл парақшаның осы күнгі жазылушылар саны бұрыннан жазылған."),
    ):
        with translation.override(language):
            with pytest.raises(ValidationError) as caught:
                again.full_clean()
            assert sentence in caught.value.messages
