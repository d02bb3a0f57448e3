"""The public pages and the staff figures, as a visitor and staff see them."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from giveaways import selectors, services
from giveaways.models import Giveaway
from tests.giveaways.factories import GiveawayEntryFactory, make_giveaway

pytestmark = pytest.mark.django_db


def _drawn(org, weeks_ago, authors=("dana", "bolat", "saule"), **extra):
    draw_at = timezone.make_aware(datetime.datetime(2024, 3, 1, 18, 0)) - datetime.timedelta(weeks=weeks_ago)
    giveaway = make_giveaway(organisation=org, draw_at=draw_at, title=f"Розыгрыш {weeks_ago}", **extra)
    for author in authors:
        GiveawayEntryFactory(giveaway=giveaway, author=f"{author}{weeks_ago}", marked_follower=True)
    services.giveaway_close(giveaway_id=giveaway.pk)
    services.giveaway_draw(giveaway_id=giveaway.pk)
    return Giveaway.objects.get(pk=giveaway.pk)


def test_the_list_shows_the_coming_giveaway_with_its_rules_and_past_winners(regional_org):
    past = _drawn(regional_org, 1)
    coming = make_giveaway(organisation=regional_org, rules="Подпишитесь на страницу и отметьте трёх коллег.")
    body = Client().get("/giveaways/").content.decode()
    assert coming.title in body
    assert "отметьте трёх коллег" in body
    assert coming.seed_commitment in body
    assert f"@{past.winners.get().handle}" in body


def test_drafts_are_not_shown(regional_org):
    draft = make_giveaway(organisation=regional_org, open_now=False, title="Секретный черновик")
    assert "Секретный черновик" not in Client().get("/giveaways/").content.decode()
    assert Client().get(f"/giveaways/{draft.pk}/").status_code == 404
    assert Client().get(f"/giveaways/{draft.pk}/entries.txt").status_code == 404


def test_the_list_makes_the_same_number_of_queries_for_10_or_30_results(regional_org, django_assert_num_queries):
    for week in range(1, 11):
        _drawn(regional_org, week)
    make_giveaway(organisation=regional_org)
    client = Client()
    client.get("/giveaways/")  # warm the session and translation caches
    with django_assert_num_queries(4):
        assert client.get("/giveaways/").status_code == 200
    for week in range(11, 31):
        _drawn(regional_org, week)
    with django_assert_num_queries(4):
        body = client.get("/giveaways/").content.decode()
    assert body.count("giveaways/") >= 20


def test_the_kazakh_list_reads_the_kazakh_texts_in_the_same_queries(regional_org, django_assert_num_queries):
    _drawn(regional_org, 1, title_kk="Өткен ұтыс ойыны")
    make_giveaway(
        organisation=regional_org, title_kk="Жұма күнгі ұтыс ойыны", prizes_kk="Термокесе", rules_kk="Парақшаға жазылыңыз."
    )
    client = Client()
    client.get("/kk/giveaways/")  # warm the translation caches
    with django_assert_num_queries(4):
        body = client.get("/kk/giveaways/").content.decode()
    for text in ("Өткен ұтыс ойыны", "Жұма күнгі ұтыс ойыны", "Термокесе", "Парақшаға жазылыңыз."):
        assert text in body


def test_the_result_page_shows_winners_and_everything_needed_to_check(regional_org, django_assert_max_num_queries):
    giveaway = _drawn(regional_org, 1)
    with django_assert_max_num_queries(6):
        body = Client().get(f"/giveaways/{giveaway.pk}/").content.decode()
    for value in (
        giveaway.seed_commitment,
        giveaway.revealed_seed,
        giveaway.list_hash,
        f"@{giveaway.winners.get().handle}",
    ):
        assert value in body
    assert f"--count {giveaway.entry_count}" in body
    assert f"/giveaways/{giveaway.pk}/entries.txt" in body


@pytest.mark.parametrize("stage", ["open", "closed", "drawn", "cancelled"])
def test_the_public_pages_never_read_the_secret_seed(regional_org, stage):
    if stage == "drawn":
        giveaway = _drawn(regional_org, 1)
    else:
        giveaway = make_giveaway(organisation=regional_org)
        GiveawayEntryFactory(giveaway=giveaway, marked_follower=True)
        if stage == "closed":
            services.giveaway_close(giveaway_id=giveaway.pk)
        elif stage == "cancelled":
            services.giveaway_cancel(giveaway=giveaway, reason="Праздничный день.")
    assert Giveaway.objects.get(pk=giveaway.pk).status == stage
    with CaptureQueriesContext(connection) as ctx:
        for url in ("/giveaways/", f"/giveaways/{giveaway.pk}/", "/kk/giveaways/", f"/kk/giveaways/{giveaway.pk}/"):
            body = Client().get(url).content.decode()
            assert giveaway.title in body
    assert not [q for q in ctx.captured_queries if "secret_seed" in q["sql"]]


def test_the_frozen_list_is_not_offered_before_the_close(regional_org):
    giveaway = make_giveaway(organisation=regional_org)
    assert Client().get(f"/giveaways/{giveaway.pk}/entries.txt").status_code == 404


@pytest.mark.parametrize(
    ("prefix", "phrase"),
    [("", "Как проверить розыгрыш"), ("/kk", "Ұтыс ойынын қалай тексеруге болады"), ("/en", "How to check a draw")],
)
def test_the_how_to_check_page_is_translated(prefix, phrase):
    body = Client().get(f"{prefix}/giveaways/verify/").content.decode()
    assert phrase in body
    assert "verify_draw.py" in body


def test_the_figures_page_shows_entries_eligible_and_winners_per_week(
    regional_org, regional_staff, django_assert_num_queries
):
    _drawn(regional_org, 1)
    _drawn(regional_org, 2, authors=("a", "b", "c", "d"))
    client = Client()
    client.force_login(regional_staff)
    response = client.get("/giveaways/figures/")
    assert response.status_code == 200
    assert response.context["year"] == 2024
    rows = response.context["rows"]
    assert [(r["entries"], r["eligible"], r["winner_total"]) for r in rows] == [(4, 4, 1), (3, 3, 1)]
    assert response.context["totals"] == {"entries": 7, "eligible": 7, "winners": 2}


def test_yearly_figures_count_giveaways_entries_eligible_entries_and_winners(regional_org):
    _drawn(regional_org, 1)
    giveaway = _drawn(regional_org, 2, authors=("a", "b", "c", "d"))
    GiveawayEntryFactory(giveaway=giveaway, author="late_no_tags", tagged_handles=[], is_eligible=False)
    figures = {f.metric: f.value for f in selectors.yearly_figures(year=2024) if f.organisation_id == regional_org.pk}
    assert figures == {"giveaways": 2, "giveaway_entries": 8, "giveaway_eligible_entries": 7, "giveaway_winners": 2}
    assert selectors.yearly_figures(year=2023) == []


def test_a_giveaway_drawn_late_on_new_years_eve_counts_for_that_year(regional_org):
    # Friday 31 December 2021, 23:30 in Almaty is 18:30 UTC: it belongs to 2021.
    draw_at = timezone.make_aware(datetime.datetime(2021, 12, 31, 23, 30))
    make_giveaway(organisation=regional_org, draw_at=draw_at)
    assert [f.value for f in selectors.yearly_figures(year=2021) if f.metric == "giveaways"] == [1]
    assert selectors.yearly_figures(year=2022) == []


def test_the_checking_script_can_be_downloaded_from_the_portal():
    response = Client().get("/giveaways/verify/verify_draw.py")
    assert response.status_code == 200
    assert b"def draw_winners" in response.content


def test_the_figures_show_the_pages_followers_beside_each_week(
    regional_org, regional_staff, django_assert_max_num_queries
):
    from branches.models import FollowerCount
    from tests.branches.factories import SocialPageFactory

    page = SocialPageFactory(organisation=regional_org, handle="profsoyuz310krg")
    FollowerCount.objects.create(social_page=page, date=datetime.date(2024, 2, 1), count=4000)
    FollowerCount.objects.create(social_page=page, date=datetime.date(2024, 2, 20), count=4100)
    _drawn(regional_org, 2, social_page=page)  # 16 February
    _drawn(regional_org, 1, social_page=page)  # 23 February
    client = Client()
    client.force_login(regional_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/giveaways/figures/", {"year": 2024})
    rows = response.context["rows"]
    assert [(r["followers"], r["follower_growth"]) for r in rows] == [(4000, None), (4100, 100)]
    assert "+100" in response.content.decode()


def test_the_figures_are_shown_for_the_chosen_year(regional_org, regional_staff):
    _drawn(regional_org, 1)
    client = Client()
    client.force_login(regional_staff)
    assert client.get("/giveaways/figures/", {"year": 2023}).context["rows"] == []
    assert len(client.get("/giveaways/figures/", {"year": "x"}).context["rows"]) == 1


def test_a_year_the_database_cannot_hold_shows_the_default_year(regional_org, regional_staff):
    _drawn(regional_org, 1)
    client = Client()
    client.force_login(regional_staff)

    for year in ("99999", "-1", "0"):
        response = client.get("/giveaways/figures/", {"year": year})

        assert response.status_code == 200
        assert response.context["year"] == 2024


def test_a_branch_editor_sees_their_branchs_weeks_and_years_alone(editor_a, branch_a, branch_b):
    _drawn(branch_a, 1)
    other = _drawn(branch_b, 60)  # a year no giveaway of branch A was drawn in
    client = Client()
    client.force_login(editor_a)

    response = client.get("/giveaways/figures/", {"year": other.draw_date.year})

    assert response.context["rows"] == []
    assert response.context["years"] == [2024]


def test_follower_growth_compares_a_page_with_its_own_previous_friday(regional_org, branch_a, regional_staff):
    from branches.models import FollowerCount
    from tests.branches.factories import SocialPageFactory

    big = SocialPageFactory(organisation=regional_org, handle="regional_page")
    small = SocialPageFactory(organisation=branch_a, handle="branch_page")
    FollowerCount.objects.create(social_page=big, date=datetime.date(2024, 2, 1), count=4000)
    FollowerCount.objects.create(social_page=small, date=datetime.date(2024, 2, 1), count=300)
    FollowerCount.objects.create(social_page=small, date=datetime.date(2024, 2, 20), count=310)
    _drawn(regional_org, 2, social_page=big)  # 16 February
    _drawn(branch_a, 2, social_page=small)
    _drawn(branch_a, 1, social_page=small)  # 23 February
    client = Client()
    client.force_login(regional_staff)

    rows = client.get("/giveaways/figures/", {"year": 2024}).context["rows"]

    growth = {(r["social_page_id"], r["draw_date"].day): r["follower_growth"] for r in rows}
    assert growth == {(big.pk, 16): None, (small.pk, 16): None, (small.pk, 23): 10}
