import pytest
from django.test import Client

from giveaways import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    from branches import demo as branches_demo

    branches_demo.load()


def test_the_coming_demo_giveaway_states_its_rules_in_the_page_language_alone(registry):
    demo.load()
    russian = Client().get("/giveaways/").content.decode()
    kazakh = Client().get("/kk/giveaways/").content.decode()
    assert "Подпишитесь на страницу @profsoyuz310krg" in russian
    assert "парақшасына жазылыңыз" not in russian
    assert "парақшасына жазылыңыз" in kazakh
    assert "Соңғы 4 аптаның жеңімпаздары ұтыс ойынына қатыспайды" in kazakh
    assert "Подпишитесь" not in kazakh
