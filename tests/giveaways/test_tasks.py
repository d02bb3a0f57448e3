"""The scheduled jobs: next week's giveaway, closing and drawing what is due, exactly once,
also through a real Celery worker fed by beat's schedule entries."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from giveaways import services, tasks
from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway, GiveawayDraw, Winner
from tests.giveaways.factories import GiveawayEntryFactory, friday_at, make_giveaway


def _past_friday(weeks_ago: int) -> datetime.datetime:
    today = timezone.localdate()
    last_friday = today - datetime.timedelta(days=(today.weekday() - 4) % 7 or 7)
    return friday_at(last_friday - datetime.timedelta(weeks=weeks_ago - 1))


@pytest.mark.django_db
def test_next_weeks_giveaway_is_made_from_the_last_one_once(regional_org):
    last = make_giveaway(organisation=regional_org, draw_at=_past_friday(1), winner_count=2, title="Розыгрыш недели")
    services.giveaway_close(giveaway_id=last.pk)
    services.giveaway_draw(giveaway_id=last.pk)

    created = services.giveaways_create_next()
    again = services.giveaways_create_next()

    assert again == []
    assert len(created) == 1
    new = created[0]
    assert new.draw_date == services.next_friday(timezone.localdate())
    assert new.draw_date.weekday() == 4
    assert timezone.localtime(new.draw_at).time() == timezone.localtime(last.draw_at).time()
    assert new.draw_at - new.entries_close_at == last.draw_at - last.entries_close_at
    assert (new.title, new.winner_count, new.prizes, new.status) == (
        "Розыгрыш недели",
        2,
        last.prizes,
        GiveawayStatus.OPEN,
    )
    assert new.seed_commitment and new.seed_commitment != last.seed_commitment


@pytest.mark.django_db
def test_no_next_giveaway_while_this_weeks_is_still_ahead(regional_org):
    make_giveaway(organisation=regional_org)
    assert services.giveaways_create_next() == []


@pytest.mark.django_db
def test_the_database_refuses_two_giveaways_on_one_friday(regional_org):
    giveaway = make_giveaway(organisation=regional_org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Giveaway.objects.create(
            organisation=regional_org,
            title="x",
            prizes="y",
            draw_date=giveaway.draw_date,
            entries_close_at=giveaway.entries_close_at,
            draw_at=giveaway.draw_at,
        )


@pytest.mark.django_db
def test_the_tasks_close_and_draw_what_is_due(regional_org):
    giveaway = make_giveaway(organisation=regional_org, draw_at=_past_friday(1))
    GiveawayEntryFactory(giveaway=giveaway, author="dana", marked_follower=True)

    assert tasks.close_due_giveaways.delay().get() == [giveaway.pk]
    assert tasks.draw_due_giveaways.delay().get() == [giveaway.pk]
    assert tasks.draw_due_giveaways.delay().get() == []
    assert Winner.objects.get(giveaway=giveaway).handle == "dana"


@pytest.mark.django_db
def test_every_job_is_also_a_management_command(regional_org, capsys):
    giveaway = make_giveaway(organisation=regional_org, draw_at=_past_friday(1))
    call_command("giveaways_close_due")
    call_command("giveaways_draw_due")
    call_command("giveaways_create_next")
    giveaway.refresh_from_db()
    assert giveaway.status == GiveawayStatus.DRAWN
    assert Giveaway.objects.filter(organisation=regional_org).count() == 2


def _beat_tick(app) -> list[str]:
    """One beat: its scheduler, as configured in unionportal/schedules.py, narrowed to the
    giveaway entries and told they last ran ten minutes ago, ticks until nothing is due.
    Returns the names of the entries it sent to the broker."""
    from celery.beat import Scheduler

    scheduler = Scheduler(app=app, lazy=False)
    mine = {
        name: entry
        for name, entry in scheduler.schedule.items()
        if name in ("giveaways-close-due", "giveaways-draw-due")
    }
    ten_minutes_ago = app.now() - datetime.timedelta(minutes=10)
    for entry in mine.values():
        entry.last_run_at = ten_minutes_ago
    scheduler.schedule.clear()
    scheduler.schedule.update(mine)
    sent = []
    original = scheduler.apply_entry

    def apply_entry(entry, producer=None):
        sent.append(entry.name)
        return original(entry, producer=producer)

    scheduler.apply_entry = apply_entry
    for _ in range(len(mine)):
        scheduler.tick()
    return sent


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fed_by_two_beats_draws_a_due_giveaway_exactly_once(regional_org):
    from celery.contrib.testing.worker import start_worker

    from unionportal.celery import app

    giveaway = make_giveaway(organisation=regional_org, draw_at=_past_friday(1), winner_count=1)
    for author in ("dana", "bolat", "saule"):
        GiveawayEntryFactory(giveaway=giveaway, author=author, marked_follower=True)

    app.conf.task_always_eager = False
    # Messages go through the configured broker: the filesystem transport on SQLite runs,
    # Redis where REDIS_URL is set.
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=15):
        # Two beats (a second one started by mistake) both find the jobs due.
        sent = _beat_tick(app) + _beat_tick(app)
        assert sorted(sent) == [
            "giveaways-close-due",
            "giveaways-close-due",
            "giveaways-draw-due",
            "giveaways-draw-due",
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Giveaway.objects.filter(pk=giveaway.pk, status=GiveawayStatus.DRAWN).exists():
                break
            time.sleep(0.2)
        # Give the other messages time to be consumed too.
        time.sleep(2)
    giveaway.refresh_from_db()
    assert giveaway.status == GiveawayStatus.DRAWN
    assert GiveawayDraw.objects.filter(giveaway=giveaway).count() == 1
    assert Winner.objects.filter(giveaway=giveaway).count() == 1


@pytest.mark.django_db
def test_finding_each_organisations_last_giveaway_does_not_grow_with_the_organisations(regional_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.branches.factories import OrganisationFactory

    counts = []
    for n in (1, 4):
        for _i in range(n):
            make_giveaway(organisation=OrganisationFactory(parent=regional_org))  # still ahead: nothing to make
        with CaptureQueriesContext(connection) as queries:
            assert services.giveaways_create_next() == []
        counts.append(len(queries))

    assert counts[0] == counts[1]
