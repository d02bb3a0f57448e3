"""The admin lists that grow without end (appeals, publications, giveaway entries, media
appearances) ask the database the same number of questions at 10 rows and at 200, spread
over more branches, staff and years; no date drill-down, one count a page, filter choices
from the small tables."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from giveaways.models import GiveawayEntry
from tests.accounts.factories import UserFactory
from tests.appeals.factories import AppealFactory
from tests.branches.factories import OrganisationFactory
from tests.giveaways.factories import GiveawayEntryFactory, make_giveaway
from tests.media_reports.factories import MediaAppearanceFactory
from tests.publications.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def _appeals(n, regional_org, start=0):
    for i in range(start, start + n):
        branch = OrganisationFactory(parent=regional_org, kind="branch") if i % 5 == 0 else None
        assignee = UserFactory(role=Role.REGIONAL_STAFF, role__organisation=regional_org) if i % 7 == 0 else None
        AppealFactory(branch=branch, assignee=assignee, received_at=timezone.now() - datetime.timedelta(days=40 * i))


def _publications(n, regional_org, start=0):
    for i in range(start, start + n):
        PublicationFactory(organisation=OrganisationFactory(parent=regional_org, kind="branch") if i % 5 == 0 else regional_org)


def _entries(n, regional_org, start=0):
    for i in range(start, start + n):
        if i % 10 == 0:
            giveaway = make_giveaway(organisation=OrganisationFactory(parent=regional_org, kind="branch"))
        else:
            giveaway = GiveawayEntry.objects.order_by("-pk").first().giveaway if GiveawayEntry.objects.exists() else make_giveaway(organisation=regional_org)
        GiveawayEntryFactory(giveaway=giveaway)


def _appearances(n, regional_org, start=0):
    for i in range(start, start + n):
        MediaAppearanceFactory(organisation=regional_org, date=datetime.date(2020, 1, 1) + datetime.timedelta(days=50 * i))


LISTS = {
    "appeals_appeal": _appeals,
    "publications_publication": _publications,
    "giveaways_giveawayentry": _entries,
    "media_reports_mediaappearance": _appearances,
}


@pytest.mark.parametrize("changelist", list(LISTS))
def test_the_admin_list_asks_the_same_number_of_queries_as_it_grows(
    changelist, regional_staff, regional_org, django_assert_num_queries
):
    client = Client()
    client.force_login(regional_staff)
    url = reverse(f"admin:{changelist}_changelist")
    LISTS[changelist](10, regional_org)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    LISTS[changelist](60, regional_org, start=10)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert 'class="toplinks"' not in response.content.decode()  # no date drill-down
    assert response.context["cl"].show_full_result_count is False  # one count a page


def test_the_appeal_list_offers_a_branch_with_no_appeals_and_staff_without_members(regional_staff, regional_org):
    member = UserFactory(username="teacher", first_name="Гульнар", last_name="Учителева")
    OrganisationFactory(parent=regional_org, kind="branch", name_ru="Филиал без обращений")
    AppealFactory()
    client = Client()
    client.force_login(regional_staff)
    body = client.get(reverse("admin:appeals_appeal_changelist")).content.decode()
    assert "Филиал без обращений" in body  # choices from the registry, not from the appeals
    assert member.get_full_name() not in body  # a member with a login is no assignee


def test_the_period_filter_keeps_only_this_years_appeals(regional_staff):
    AppealFactory(reference="THIS-YEAR", received_at=timezone.now())
    AppealFactory(reference="TWO-YEARS-AGO", received_at=timezone.now() - datetime.timedelta(days=800))
    client = Client()
    client.force_login(regional_staff)
    response = client.get(reverse("admin:appeals_appeal_changelist"), {"received_at_period": "year"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "THIS-YEAR" in body and "TWO-YEARS-AGO" not in body


def test_past_the_cap_the_admin_list_counts_no_further(regional_staff, monkeypatch):
    from unionportal.admin_base import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "cap", 5)
    for _ in range(8):
        AppealFactory()
    client = Client()
    client.force_login(regional_staff)
    response = client.get(reverse("admin:appeals_appeal_changelist"))
    assert response.context["cl"].result_count == 5  # SQLite, and past the cap: the cap
    for _ in range(2):
        AppealFactory(status="answered")
    filtered = client.get(reverse("admin:appeals_appeal_changelist"), {"status__exact": "answered"})
    assert filtered.context["cl"].result_count == 2  # under the cap: the exact count
