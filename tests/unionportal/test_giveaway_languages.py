"""A giveaway's title, prizes and rules in Kazakh on /kk/ where entered, marked Russian
where only the Russian ones exist."""

import datetime as dt
from zoneinfo import ZoneInfo

from giveaways import services
from tests.branches.factories import OrganisationFactory

ALMATY = ZoneInfo("Asia/Almaty")


def _giveaway(**texts):
    draw_at = dt.datetime(2030, 1, 4, 18, 0, tzinfo=ALMATY)  # a Friday
    return services.giveaway_create(
        organisation=OrganisationFactory(),
        title="Пятничный розыгрыш: колонка",
        prizes="Портативная колонка",
        rules="Подпишитесь на страницу.",
        entries_close_at=draw_at - dt.timedelta(hours=2),
        draw_at=draw_at,
        now=draw_at - dt.timedelta(days=4),
        **texts,
    )


def test_a_giveaway_reads_in_kazakh_on_kk_where_entered(client, db):
    giveaway = _giveaway(title_kk="Жұма күнгі ұтыс ойыны: колонка", prizes_kk="Портативті колонка", rules_kk="Парақшаға жазылыңыз.")
    kk = client.get(f"/kk/giveaways/{giveaway.pk}/").content.decode()
    assert "<h1>Жұма күнгі ұтыс ойыны: колонка</h1>" in kk
    assert "Портативті колонка" in kk and "Парақшаға жазылыңыз." in kk
    assert "Портативная колонка" not in kk
    ru = client.get(f"/giveaways/{giveaway.pk}/").content.decode()
    assert "<h1>Пятничный розыгрыш: колонка</h1>" in ru and "Портативті колонка" not in ru


def test_a_giveaway_in_russian_only_is_marked_russian_on_kk(client, db):
    giveaway = _giveaway()
    kk = client.get(f"/kk/giveaways/{giveaway.pk}/").content.decode()
    assert '<h1 lang="ru">Пятничный розыгрыш: колонка</h1>' in kk
    assert '<span lang="ru">Портативная колонка</span>' in kk
    listing = client.get("/kk/giveaways/").content.decode()
    assert '<h3 lang="ru">' in listing


def test_the_next_week_s_giveaway_keeps_the_kazakh_texts(db):
    giveaway = _giveaway(title_kk="Жұма күнгі ұтыс ойыны", prizes_kk="Колонка")
    created = services.giveaways_create_next(today=giveaway.draw_date + dt.timedelta(days=1))
    assert created and created[0].title_kk == "Жұма күнгі ұтыс ойыны" and created[0].prizes_kk == "Колонка"
