"""Issue 11, item 14: what happens to new and in-progress appeals older than the retention
period. Decision (docs/appeals.md, docs/security.md): one nobody has touched for the whole
period is anonymised like a closed one; its status stays; any activity keeps it."""

import datetime

import pytest
from django.utils import timezone

from appeals import services, tasks
from appeals.choices import EventKind, Status
from appeals.models import Appeal, AppealEvent
from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.timedelta(days=40)


def _abandoned(**kwargs):
    appeal = AppealFactory(received_at=timezone.now() - LONG_AGO, **kwargs)
    Appeal.objects.filter(pk=appeal.pk).update(updated_at=timezone.now() - LONG_AGO)
    appeal.events.update(created_at=timezone.now() - LONG_AGO)
    return appeal


@pytest.fixture(autouse=True)
def _thirty_days(settings):
    settings.APPEAL_ANONYMISE_AFTER_DAYS = 30


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS])
def test_an_open_appeal_nobody_touched_for_the_whole_period_is_anonymised_and_keeps_its_status(status):
    appeal = _abandoned(status=status, name="Айгүл Серікова", email="aigul@example.invalid", question="Мой вопрос")
    assert tasks.anonymise_old_appeals.delay().get() == 1
    appeal.refresh_from_db()
    assert appeal.anonymised_at is not None
    assert (appeal.name, appeal.email, appeal.question) == ("", "", "")
    assert appeal.status == status
    assert appeal.events.filter(kind=EventKind.ANONYMISED).exists()


def test_an_old_open_appeal_with_a_recent_note_is_kept(regional_staff):
    appeal = _abandoned()
    services.appeal_add_note(appeal=appeal, actor=regional_staff, text="Позвонили, ждём документы")
    assert services.anonymise_old_appeals() == 0
    appeal.refresh_from_db()
    assert appeal.anonymised_at is None and appeal.email


def test_an_old_open_appeal_changed_recently_is_kept():
    appeal = AppealFactory(received_at=timezone.now() - LONG_AGO)
    AppealEvent.objects.filter(appeal=appeal).update(created_at=timezone.now() - LONG_AGO)
    assert services.anonymise_old_appeals() == 0
    appeal.refresh_from_db()
    assert appeal.anonymised_at is None


def test_an_anonymised_open_appeal_is_no_longer_in_the_reminders(regional_staff):
    _abandoned(assignee=regional_staff, due_date=timezone.localdate() - datetime.timedelta(days=20))
    services.anonymise_old_appeals()
    assert services.send_overdue_reminders() == 0
