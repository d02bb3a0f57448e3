"""The fair draw: commitment before entries, the frozen list, the draw from seed and list,
the reveal, the stand-alone script, exactly once, catch-up, redraws and drand."""

import datetime
import hashlib
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from giveaways import services, verify_draw
from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway, GiveawayDraw, Redraw, Winner
from tests.giveaways.factories import GiveawayEntryFactory, make_giveaway
from unionportal.exceptions import ApplicationError

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "giveaways" / "verify_draw.py"

GOLDEN_SEED = bytes(range(32))
GOLDEN_HANDLES = [
    "timur.b",
    "anna.k",
    "bolat_88",
    "dana",
    "erlan.s",
    "gulnar_t",
    "kairat",
    "madina.a",
    "nurlan_07",
    "saule",
]


def test_the_golden_vector_pins_the_procedure():
    data = verify_draw.canonical_list(GOLDEN_HANDLES)
    assert data.startswith(b"anna.k\nbolat_88\n") and data.endswith(b"timur.b\n")
    assert verify_draw.commitment_for(GOLDEN_SEED) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    assert verify_draw.list_hash(data) == "a16759fb6026a9573d4b7456668801232a96043388190898dd54a82ccd13b318"
    assert verify_draw.draw_winners(GOLDEN_SEED, GOLDEN_HANDLES, 3) == ["saule", "bolat_88", "anna.k"]
    assert verify_draw.draw_winners(GOLDEN_SEED, GOLDEN_HANDLES, 3, drand_randomness_hex="ab" * 32) == [
        "gulnar_t",
        "timur.b",
        "saule",
    ]


def test_the_order_of_the_entries_does_not_change_the_winners():
    shuffled = list(reversed(GOLDEN_HANDLES))
    assert verify_draw.ranking(GOLDEN_SEED, shuffled) == verify_draw.ranking(GOLDEN_SEED, GOLDEN_HANDLES)


def test_every_place_is_equally_likely_over_many_seeds():
    # Not a proof, a smoke check: over 3,000 seeds each of 3 handles wins about a third.
    wins = {"a": 0, "b": 0, "c": 0}
    for i in range(3000):
        wins[verify_draw.draw_winners(hashlib.sha256(str(i).encode()).digest(), ["a", "b", "c"], 1)[0]] += 1
    assert all(800 < n < 1200 for n in wins.values()), wins


def _drawn_giveaway(org, *, authors=("dana", "bolat", "saule", "kairat", "erlan", "aigerim"), winners=2, **kwargs):
    giveaway = make_giveaway(organisation=org, winner_count=winners, **kwargs)
    for author in authors:
        GiveawayEntryFactory(giveaway=giveaway, author=author, marked_follower=True)
    GiveawayEntryFactory(giveaway=giveaway, author="lazy", tagged_handles=["x"], marked_follower=True)
    assert services.giveaway_close(giveaway_id=giveaway.pk)
    assert services.giveaway_draw(giveaway_id=giveaway.pk)
    giveaway.refresh_from_db()
    return giveaway


@pytest.mark.django_db
def test_the_commitment_is_published_at_opening_and_the_seed_only_after_the_draw(regional_org):
    giveaway = make_giveaway(organisation=regional_org)
    assert giveaway.status == GiveawayStatus.OPEN
    assert len(giveaway.seed_commitment) == 64
    assert giveaway.revealed_seed == ""
    page = Client().get(f"/giveaways/{giveaway.pk}/").content.decode()
    assert giveaway.seed_commitment in page
    assert giveaway.secret_seed not in page

    services.giveaway_close(giveaway_id=giveaway.pk)
    services.giveaway_draw(giveaway_id=giveaway.pk)
    giveaway.refresh_from_db()

    assert hashlib.sha256(bytes.fromhex(giveaway.revealed_seed)).hexdigest() == giveaway.seed_commitment
    assert giveaway.revealed_seed in Client().get(f"/giveaways/{giveaway.pk}/").content.decode()


@pytest.mark.django_db
def test_the_close_freezes_the_eligible_handles_with_hash_and_count(regional_org):
    giveaway = _drawn_giveaway(regional_org)
    assert giveaway.frozen_list == "aigerim\nbolat\ndana\nerlan\nkairat\nsaule\n"
    assert giveaway.entry_count == 6
    assert giveaway.list_hash == hashlib.sha256(giveaway.frozen_list.encode()).hexdigest()
    download = Client().get(f"/giveaways/{giveaway.pk}/entries.txt")
    assert download.content == giveaway.frozen_list.encode()


@pytest.mark.django_db
def test_the_winners_follow_from_the_seed_and_the_frozen_list(regional_org):
    giveaway = _drawn_giveaway(regional_org)
    expected = verify_draw.draw_winners(bytes.fromhex(giveaway.revealed_seed), giveaway.frozen_list.split(), 2)
    assert list(giveaway.winners.values_list("handle", flat=True)) == expected


@pytest.mark.django_db
def test_the_stand_alone_script_recomputes_the_portals_own_draw(regional_org, tmp_path):
    giveaway = _drawn_giveaway(regional_org, winners=3)
    entries = tmp_path / "entries.txt"
    entries.write_bytes(Client().get(f"/giveaways/{giveaway.pk}/entries.txt").content)
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--seed",
            giveaway.revealed_seed,
            "--entries-file",
            str(entries),
            "--winners",
            "3",
            "--commitment",
            giveaway.seed_commitment,
            "--list-hash",
            giveaway.list_hash,
            "--count",
            str(giveaway.entry_count),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    printed = [line.split("@", 1)[1] for line in result.stdout.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert printed == list(giveaway.winners.values_list("handle", flat=True))
    assert "commitment matches the published one: yes" in result.stdout


@pytest.mark.django_db
def test_the_script_says_no_when_the_list_was_tampered_with(regional_org, tmp_path):
    giveaway = _drawn_giveaway(regional_org)
    entries = tmp_path / "entries.txt"
    entries.write_text(giveaway.frozen_list + "intruder\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--seed",
            giveaway.revealed_seed,
            "--entries-file",
            str(entries),
            "--list-hash",
            giveaway.list_hash,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "list hash matches the published one: NO" in result.stdout


def test_the_script_does_not_import_django():
    source = SCRIPT.read_text(encoding="utf-8")
    assert "django" not in source.lower().replace("does not import django", "")
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all(line.split()[1] in {"argparse", "hashlib", "hmac", "sys"} for line in imports), imports


@pytest.mark.django_db
def test_a_second_draw_call_changes_nothing(regional_org):
    giveaway = _drawn_giveaway(regional_org)
    winners = list(giveaway.winners.values_list("handle", flat=True))
    assert services.giveaway_draw(giveaway_id=giveaway.pk) is False
    assert services.giveaways_draw_due(now=giveaway.draw_at + datetime.timedelta(days=1)) == []
    assert GiveawayDraw.objects.filter(giveaway=giveaway).count() == 1
    assert list(giveaway.winners.values_list("handle", flat=True)) == winners


@pytest.mark.django_db
def test_the_database_refuses_a_second_draw_row(regional_org):
    from django.db import IntegrityError, transaction

    giveaway = _drawn_giveaway(regional_org)
    with pytest.raises(IntegrityError), transaction.atomic():
        GiveawayDraw.objects.create(giveaway=giveaway, drawn_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_draws_make_one_draw(regional_org):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential double call is tested above")
    giveaway = make_giveaway(organisation=regional_org, winner_count=2)
    for i in range(50):
        GiveawayEntryFactory(giveaway=giveaway, author=f"m{i}", marked_follower=True)
    services.giveaway_close(giveaway_id=giveaway.pk)
    barrier = threading.Barrier(2)
    results = []

    def draw():
        from django.db import connections

        try:
            barrier.wait()
            results.append(services.giveaway_draw(giveaway_id=giveaway.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert GiveawayDraw.objects.filter(giveaway=giveaway).count() == 1
    assert Winner.objects.filter(giveaway=giveaway).count() == 2


@pytest.mark.django_db
def test_a_draw_missed_while_the_worker_was_down_is_made_later_from_the_frozen_list(regional_org):
    draw_at = timezone.now() - datetime.timedelta(days=3)
    draw_at = draw_at - datetime.timedelta(days=(timezone.localtime(draw_at).weekday() - 4) % 7)
    giveaway = make_giveaway(organisation=regional_org, draw_at=draw_at)
    for author in ("dana", "bolat", "saule"):
        GiveawayEntryFactory(giveaway=giveaway, author=author, marked_follower=True)
    services.giveaway_close(giveaway_id=giveaway.pk, now=giveaway.entries_close_at)
    frozen = Giveaway.objects.get(pk=giveaway.pk).frozen_list
    # While no worker ran, someone became eligible: that must not change the frozen list.
    GiveawayEntryFactory(giveaway=giveaway, author="latecomer", marked_follower=True)

    assert services.giveaways_draw_due() == [giveaway.pk]

    giveaway.refresh_from_db()
    assert giveaway.status == GiveawayStatus.DRAWN
    assert giveaway.frozen_list == frozen
    assert giveaway.draw.late
    assert giveaway.winners.get().handle in {"dana", "bolat", "saule"}


@pytest.mark.django_db
def test_a_giveaway_whose_close_was_missed_too_is_closed_then_drawn(regional_org):
    giveaway = make_giveaway(organisation=regional_org)
    GiveawayEntryFactory(giveaway=giveaway, author="dana", marked_follower=True)
    drawn = services.giveaways_draw_due(now=giveaway.draw_at + datetime.timedelta(hours=1))
    giveaway.refresh_from_db()
    assert drawn == [giveaway.pk]
    assert giveaway.entry_count == 1
    assert giveaway.winners.get().handle == "dana"


@pytest.mark.django_db
def test_a_redraw_takes_the_next_handle_of_the_ranking_and_is_shown_publicly(regional_org, tmp_path):
    giveaway = _drawn_giveaway(regional_org, winners=2)
    first = giveaway.winners.get(rank=1)
    redraw = services.winner_redraw(winner=first, reason="Не ответил за 48 часов")

    order = verify_draw.ranking(bytes.fromhex(giveaway.revealed_seed), giveaway.frozen_list.split())
    assert redraw.new_winner.handle == order[2]
    assert redraw.new_winner.rank == 3
    assert set(Winner.objects.filter(giveaway=giveaway, replaced=False).values_list("handle", flat=True)) == {
        order[1],
        order[2],
    }
    page = Client().get(f"/giveaways/{giveaway.pk}/").content.decode()
    assert "Не ответил за 48 часов" in page
    assert f"@{first.handle}" in page


@pytest.mark.django_db
def test_a_redraw_needs_a_reason_and_cannot_replace_twice(regional_org):
    giveaway = _drawn_giveaway(regional_org)
    winner = giveaway.winners.first()
    with pytest.raises(ApplicationError):
        services.winner_redraw(winner=winner, reason="  ")
    services.winner_redraw(winner=winner, reason="нет ответа")
    with pytest.raises(ApplicationError):
        services.winner_redraw(winner=winner, reason="ещё раз")
    assert Redraw.objects.count() == 1


@pytest.mark.django_db
def test_a_giveaway_without_entries_is_drawn_with_no_winners(regional_org):
    giveaway = make_giveaway(organisation=regional_org)
    services.giveaway_close(giveaway_id=giveaway.pk)
    assert services.giveaway_draw(giveaway_id=giveaway.pk)
    giveaway.refresh_from_db()
    assert giveaway.status == GiveawayStatus.DRAWN
    assert giveaway.entry_count == 0
    assert not giveaway.winners.exists()


# --- drand, against a local server standing in for the beacon --------------------------


class _Beacon(BaseHTTPRequestHandler):
    genesis = 1_700_000_000
    period = 30
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        type(self).requests.append(self.path)
        if self.path == "/info":
            body = {"genesis_time": self.genesis, "period": self.period, "public_key": "00"}
        elif self.path.startswith("/public/"):
            number = int(self.path.rsplit("/", 1)[1])
            body = {"round": number, "randomness": hashlib.sha256(str(number).encode()).hexdigest()}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def beacon():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Beacon.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_first_drand_round_after_the_close_is_mixed_in_and_recorded(regional_org, settings, beacon, tmp_path):
    settings.GIVEAWAY_DRAND_URL = beacon
    giveaway = _drawn_giveaway(regional_org)
    expected_round = int((giveaway.closed_at.timestamp() - _Beacon.genesis) // _Beacon.period) + 2
    assert giveaway.drand_round == expected_round
    assert giveaway.drand_randomness == hashlib.sha256(str(expected_round).encode()).hexdigest()
    assert f"/public/{expected_round}" in _Beacon.requests
    winners = verify_draw.draw_winners(
        bytes.fromhex(giveaway.revealed_seed),
        giveaway.frozen_list.split(),
        2,
        drand_randomness_hex=giveaway.drand_randomness,
    )
    assert list(giveaway.winners.values_list("handle", flat=True)) == winners
    # The check works offline: the script is given the recorded randomness.
    entries = tmp_path / "entries.txt"
    entries.write_text(giveaway.frozen_list, encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--seed",
            giveaway.revealed_seed,
            "--entries-file",
            str(entries),
            "--winners",
            "2",
            "--drand-randomness",
            giveaway.drand_randomness,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"1. @{winners[0]}" in out and f"2. @{winners[1]}" in out


@pytest.mark.django_db
def test_an_unreachable_beacon_does_not_stop_the_draw(regional_org, settings):
    settings.GIVEAWAY_DRAND_URL = "http://127.0.0.1:9"
    giveaway = _drawn_giveaway(regional_org)
    assert giveaway.status == GiveawayStatus.DRAWN
    assert giveaway.drand_round is None
    assert giveaway.drand_randomness == ""


@pytest.mark.django_db
def test_a_tampered_list_stays_undrawn_without_holding_up_the_other_draws(regional_org, branch_a):
    tampered = make_giveaway(organisation=regional_org)
    sound = make_giveaway(organisation=branch_a)
    for giveaway in (tampered, sound):
        GiveawayEntryFactory(giveaway=giveaway, author="dana", marked_follower=True)
        services.giveaway_close(giveaway_id=giveaway.pk)
    Giveaway.objects.filter(pk=tampered.pk).update(frozen_list="intruder\n")

    drawn = services.giveaways_draw_due(now=sound.draw_at + datetime.timedelta(hours=1))

    assert drawn == [sound.pk]
    assert Giveaway.objects.get(pk=tampered.pk).status == GiveawayStatus.CLOSED
    assert not GiveawayDraw.objects.filter(giveaway=tampered).exists()
