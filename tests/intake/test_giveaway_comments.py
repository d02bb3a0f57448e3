"""Comments of the giveaway's Instagram post become entries; the draw stays verifiable."""

import pytest

from giveaways import intake, services, verify_draw
from giveaways.models import GiveawayEntry
from tests.giveaways.factories import FollowerFactory, make_giveaway
from tests.intake.conftest import IG_ID

pytestmark = pytest.mark.django_db

POST = {"id": "17900000000000777", "permalink": "https://www.instagram.com/p/GIVE1/"}


def _comment(n, username, text, replies=None):
    comment = {"id": f"c{n}", "username": username, "text": text, "timestamp": "2024-03-08T10:00:00+0000"}
    if replies:
        comment["replies"] = replies
    return comment


@pytest.fixture
def giveaway(connection, fake_graph, regional_ig_page):
    fake_graph.state.media[IG_ID] = [{"id": "1790000000000001", "permalink": "https://www.instagram.com/p/OTHER/"}, POST]
    for handle in ("aigerim", "bolat", "dana", "erlan"):
        FollowerFactory(organisation=regional_ig_page.organisation, handle=handle)
    return make_giveaway(
        organisation=regional_ig_page.organisation,
        social_page=regional_ig_page,
        post_url="https://www.instagram.com/p/GIVE1/?igsh=xyz",
    )


def test_comments_on_every_page_and_nested_replies_become_entries(giveaway, fake_graph):
    fake_graph.state.comments[POST["id"]] = [
        _comment(1, "aigerim", "@a1 @a2 @a3", replies=[_comment(11, "bolat", "Участвую @b1 @b2 @b3")]),
        _comment(2, "dana", "@d1 @d2"),
        _comment(3, "erlan", "@e1 @e2 @e3"),
    ]
    assert intake.fetch_giveaway_comments()["added"] == 4
    entries = {e.author: e for e in GiveawayEntry.objects.filter(giveaway=giveaway)}
    assert set(entries) == {"aigerim", "bolat", "dana", "erlan"}
    # The same rules as pasted comments: three tags are needed.
    assert entries["aigerim"].is_eligible and entries["bolat"].is_eligible
    assert not entries["dana"].is_eligible


def test_reading_again_until_entries_close_adds_only_new_comments(giveaway, fake_graph):
    fake_graph.state.comments[POST["id"]] = [_comment(1, "dana", "@d1 @d2")]
    intake.fetch_giveaway_comments()
    fake_graph.state.comments[POST["id"]].append(_comment(2, "dana", "@d3"))
    intake.fetch_giveaway_comments()
    intake.fetch_giveaway_comments()
    entry = GiveawayEntry.objects.get(giveaway=giveaway, author="dana")
    assert entry.comment_count == 2
    assert entry.tagged_handles == ["d1", "d2", "d3"]
    assert entry.is_eligible


def test_a_comment_with_two_thousand_mentions_is_one_entry(giveaway, fake_graph):
    text = " ".join(f"@user{n}" for n in range(2000))
    fake_graph.state.comments[POST["id"]] = [_comment(1, "erlan", text)]
    intake.fetch_giveaway_comments()
    entry = GiveawayEntry.objects.get(giveaway=giveaway)
    assert entry.author == "erlan" and entry.is_eligible
    # Instagram keeps 2,200 characters of a comment; the portal keeps at most 5,000 of it.
    assert 3 <= len(entry.tagged_handles) < 2000 and len(entry.text) <= 5000


def test_the_draw_over_fetched_entries_verifies(giveaway, fake_graph):
    fake_graph.state.comments[POST["id"]] = [
        _comment(n, handle, "@x1 @x2 @x3") for n, handle in enumerate(("aigerim", "bolat", "erlan"))
    ]
    intake.fetch_giveaway_comments()
    assert services.giveaway_close(giveaway_id=giveaway.pk)
    assert services.giveaway_draw(giveaway_id=giveaway.pk)
    giveaway.refresh_from_db()
    assert giveaway.frozen_list == "aigerim\nbolat\nerlan\n"
    expected = verify_draw.draw_winners(bytes.fromhex(giveaway.revealed_seed), giveaway.frozen_list.split(), 1)
    assert list(giveaway.winners.values_list("handle", flat=True)) == expected
    # Closed: nothing more is read.
    calls = len(fake_graph.state.requests)
    intake.fetch_giveaway_comments()
    assert len(fake_graph.state.requests) == calls


def test_a_post_deleted_between_two_runs_is_reported_and_the_entries_kept(giveaway, fake_graph):
    fake_graph.state.comments[POST["id"]] = [_comment(1, "aigerim", "@a1 @a2 @a3")]
    intake.fetch_giveaway_comments()
    del fake_graph.state.comments[POST["id"]]
    result = intake.fetch_giveaway_comments()
    assert "100" in result["errors"][0]
    assert GiveawayEntry.objects.filter(giveaway=giveaway).count() == 1
