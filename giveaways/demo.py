"""Demo data: the Friday giveaway on the regional Instagram page every week since January
2024, each past one closed and drawn through the real procedure (so every result page can
be checked with verify_draw.py), and this week's giveaway open with its first comments.

Idempotent: a Friday that already has a giveaway is left alone. Entries are bulk-created;
the whole load stays within a few seconds.
"""

import datetime
import random

from django.utils import timezone

from branches.models import Organisation, SocialPage
from giveaways import eligibility, services
from giveaways.choices import GiveawayStatus
from giveaways.models import Follower, Giveaway, GiveawayEntry, Redraw

FIRST_FRIDAY = datetime.date(2024, 1, 5)
DRAW_TIME = datetime.time(18, 0)
CLOSE_BEFORE = datetime.timedelta(hours=6)

FIRST_NAMES = [
    "aigerim",
    "dana",
    "saule",
    "gulnar",
    "madina",
    "zhanna",
    "asem",
    "aliya",
    "bolat",
    "erlan",
    "nurlan",
    "kairat",
    "timur",
    "yerbol",
    "arman",
    "ainur",
    "dinara",
    "gulmira",
    "lyazzat",
    "botagoz",
    "aizhan",
    "marat",
    "olga",
    "irina",
    "svetlana",
    "natalya",
    "elena",
    "tatyana",
    "assel",
    "kamila",
    "raushan",
    "zarina",
]
LAST_NAMES = [
    "akhmetova",
    "serikova",
    "ivanova",
    "nurlanova",
    "tokaeva",
    "abenova",
    "petrova",
    "kasymova",
    "zhumabaeva",
    "omarova",
    "smagulova",
    "beisenova",
    "kim",
    "li",
    "ospanova",
    "sarsenova",
    "utegenova",
    "mukanova",
]
PRIZES = [
    ("термокружка с символикой профсоюза", "Термокружка с символикой профсоюза"),
    ("сертификат в книжный магазин на 10 000 ₸", "Сертификат в книжный магазин на 10 000 ₸"),
    ("набор канцелярии для учителя", "Набор канцелярии для учителя\nЕжедневник"),
    ("билеты в театр им. Станиславского", "Два билета в театр им. К. С. Станиславского"),
    ("портативная колонка", "Портативная колонка"),
]
# The same prizes in Kazakh (title part, prize lines); the theatre week is left in Russian
# only, so the demo shows both the Kazakh texts and the Russian ones marked lang="ru".
PRIZES_KK = [
    ("кәсіподақ белгісі бар термокесе", "Кәсіподақ белгісі бар термокесе"),
    ("кітап дүкеніне 10 000 ₸ сертификат", "Кітап дүкеніне 10 000 ₸ сертификат"),
    ("мұғалімге арналған кеңсе жиынтығы", "Мұғалімге арналған кеңсе жиынтығы\nКүнделік"),
    ("", ""),
    ("портативті колонка", "Портативті колонка"),
]
RULES = (
    "1. Подпишитесь на страницу @profsoyuz310krg.\n"
    "2. Отметьте в комментарии под постом трёх членов профсоюза (можно несколькими комментариями).\n"
    "3. Победителя определит открытая жеребьёвка в пятницу в 18:00; проверить её может любой.\n"
    "Победители последних 4 недель в розыгрыше не участвуют."
)
# The same rules in Kazakh, in their own field: a Kazakh page shows these alone.
RULES_KK = (
    "1. @profsoyuz310krg парақшасына жазылыңыз.\n"
    "2. Пост астындағы пікірде кәсіподақтың үш мүшесін белгілеңіз (бірнеше пікірмен де болады).\n"
    "3. Жеңімпазды жұма күні сағат 18:00-де ашық жеребе анықтайды; оны кез келген адам тексере алады.\n"
    "Соңғы 4 аптаның жеңімпаздары ұтыс ойынына қатыспайды."
)
TEXTS = [
    "Участвую! {tags} 🎉",
    "{tags} участвуем вместе 💙",
    "Спасибо профсоюзу! {tags}",
    "{tags} 🙌🙌",
    "Қатысамын! {tags}",
    "{tags} бірге қатысайық 😊",
    "Хочу выиграть 🙏 {tags}",
    "{tags}",
]
COMING_COMMENTS = """aigerim_akhmetova
Участвую! 🎉 @dana.serikova @saule_kim @gulnar.li
1 ч.
Ответить

bolat_omarova
@erlan.ospanova @erlan.ospanova @timur_li
2 ч.Нравится: 1Ответить

zhanna.beisenova
Қатысамын! @madina_kim @asem.li @aliya_omarova 😊
35 мин.
Ответить
zhanna.beisenova
и ещё @kamila_li
20 мин.

@иванова_учитель @арман
"""


def _pool(rng: random.Random) -> list[str]:
    handles = set()
    while len(handles) < 1400:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        pattern = rng.randrange(4)
        if pattern == 0:
            handles.add(f"{first}_{last}")
        elif pattern == 1:
            handles.add(f"{first}.{last}")
        elif pattern == 2:
            handles.add(f"{first}_{rng.randrange(70, 99)}")
        else:
            handles.add(f"{first}.{last[:4]}_{rng.randrange(1, 40)}")
    return sorted(handles)


def _fridays(until: datetime.date) -> list[datetime.date]:
    days, day = [], FIRST_FRIDAY
    while day <= until:
        days.append(day)
        day += datetime.timedelta(days=7)
    return days


def _entries_for(giveaway, week: int, rng: random.Random, pool: list[str], own: str) -> list[GiveawayEntry]:
    # The giveaway grew with the page: about 20 entries a week at first, 60 later.
    count = min(20 + week // 3 + rng.randrange(0, 12), 75)
    authors = rng.sample(pool[: 300 + week * 7], count)
    entries = []
    for author in authors:
        n_tags = rng.choices([1, 2, 3, 4, 5], weights=[4, 8, 60, 18, 10])[0]
        tags = rng.sample(pool, n_tags)
        if rng.random() < 0.05:
            tags[0] = author  # tagging oneself happens
        if rng.random() < 0.04:
            tags.append(own)
        text = rng.choice(TEXTS).format(tags=" ".join(f"@{t}" for t in tags))
        entries.append(
            GiveawayEntry(
                giveaway=giveaway,
                author=author,
                text=text,
                tagged_handles=list(dict.fromkeys(tags)),
                comment_count=rng.choice([1, 1, 1, 1, 2]),
            )
        )
    return entries


def load(*, stdout=None) -> None:
    regional = Organisation.objects.filter(slug="regional").first()
    if regional is None:
        return
    page = SocialPage.objects.filter(organisation=regional, platform="instagram").order_by("pk").first()
    own = (page.handle if page and page.handle else "profsoyuz310krg").lower()
    rng = random.Random(2024)
    pool = _pool(rng)
    # About four in five members who enter follow the page (the imported follower list).
    followers = [h for h in pool if rng.random() < 0.8]
    Follower.objects.bulk_create(
        [Follower(organisation=regional, handle=h) for h in followers], batch_size=2000, ignore_conflicts=True
    )

    follower_set = frozenset(Follower.objects.filter(organisation=regional).values_list("handle", flat=True))
    own_accounts = services.own_handles() | {own}
    now = timezone.now()
    today = timezone.localdate()
    existing = set(Giveaway.objects.filter(organisation=regional).values_list("draw_date", flat=True))
    made = 0
    for week, friday in enumerate(_fridays(services.next_friday(today))):
        if friday in existing:
            continue
        title_prize, prizes = PRIZES[week % len(PRIZES)]
        title_prize_kk, prizes_kk = PRIZES_KK[week % len(PRIZES_KK)]
        draw_at = timezone.make_aware(datetime.datetime.combine(friday, DRAW_TIME))
        winner_count = 3 if friday.month == 12 and friday.day > 20 else (2 if week % 4 == 0 else 1)
        giveaway = services.giveaway_create(
            organisation=regional,
            social_page=page,
            title=f"Пятничный розыгрыш: {title_prize}",
            prizes=prizes,
            winner_count=winner_count,
            rules=RULES,
            rules_kk=RULES_KK,
            title_kk=f"Жұма күнгі ұтыс ойыны: {title_prize_kk}" if title_prize_kk else "",
            prizes_kk=prizes_kk,
            post_url=f"https://www.instagram.com/p/DEMO{friday:%Y%m%d}/",
            entries_close_at=draw_at - CLOSE_BEFORE,
            draw_at=draw_at,
            # Opened with the week's post on Monday, before any comment.
            now=min(now, draw_at - datetime.timedelta(days=4)),
        )
        made += 1
        if draw_at > now:
            if giveaway.entries_close_at > now:
                services.entries_import(giveaway=giveaway, text=COMING_COMMENTS, file_name="comments.txt")
            continue
        if friday == datetime.date(2025, 3, 21):
            services.giveaway_cancel(giveaway=giveaway, reason="Наурыз мейрамы: розыгрыш не проводился.")
            continue
        entries = _entries_for(giveaway, week, rng, pool, own)
        # The same rules the close applies, in memory, so the load needs no re-read.
        recent = services.recent_winner_handles(giveaway=giveaway)
        for entry in entries:
            verdict = eligibility.evaluate(
                author=entry.author,
                tags=entry.tagged_handles,
                own_handles=own_accounts,
                followers=follower_set,
                marked_follower=False,
                recent_winners=recent,
            )
            entry.is_eligible, entry.ineligible_reasons = verdict.eligible, list(verdict.reasons)
        GiveawayEntry.objects.bulk_create(entries, batch_size=2000)
        services.giveaway_close(giveaway_id=giveaway.pk, now=giveaway.entries_close_at, evaluate=False)
        services.giveaway_draw(giveaway_id=giveaway.pk, now=draw_at)
        if friday == datetime.date(2024, 5, 17):
            giveaway.refresh_from_db()
            first = giveaway.winners.order_by("rank").first()
            if first is not None:
                redraw = services.winner_redraw(
                    winner=first, reason="Победитель не вышел на связь в течение трёх дней."
                )
                Redraw.objects.filter(pk=redraw.pk).update(created_at=draw_at + datetime.timedelta(days=3))
    if stdout is not None:
        total = Giveaway.objects.filter(organisation=regional, status=GiveawayStatus.DRAWN).count()
        stdout.write(f"  giveaways: {made} made, {total} drawn in all")
