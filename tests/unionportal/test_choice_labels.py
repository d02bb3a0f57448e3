"""`get_FOO_display()` with the choices kept per field (unionportal.models.CachedChoiceLabels):
the same labels as Django's, in the language of each request, however often it is asked."""

from django.utils import translation

from giveaways.choices import GiveawayStatus
from giveaways.models import Giveaway


def test_the_label_follows_the_language_each_time_it_is_asked():
    giveaway = Giveaway(status=GiveawayStatus.OPEN)
    labels = {}
    for language in ("ru", "kk", "en", "ru"):
        with translation.override(language):
            labels.setdefault(language, set()).add(giveaway.get_status_display())
            assert giveaway.get_status_display() == str(GiveawayStatus.OPEN.label)
    assert labels["en"] == {"Open for entries"}
    assert labels["ru"] != labels["en"] and labels["kk"] != labels["en"] and labels["kk"] != labels["ru"]
    assert len(labels["ru"]) == 1


def test_a_value_outside_the_choices_shows_as_it_is_stored():
    assert Giveaway(status="archived").get_status_display() == "archived"


def test_each_value_gets_its_own_label():
    with translation.override("en"):
        shown = {status: Giveaway(status=status).get_status_display() for status in GiveawayStatus.values}
        expected = {status.value: str(status.label) for status in GiveawayStatus}
    assert shown == expected and len(set(shown.values())) == len(shown)
