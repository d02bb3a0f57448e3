"""Demo publications reproducing the report's totals: 76 in 2022, 120 in 2023, 103 in 2024,
and after it about 110 a year up to today.

Spread over the regional organisation and the twelve branches, on the pages the registry's
demo loads (looked up by organisation slug and platform; none are created here), with the
report's rubrics «Человек труда» and «Еңбегімен еленген нәзік жандар» and the two rubric
posts the report links. Generated from a fixed seed, so every run produces the same rows;
a row already present (same organisation, time and title) is not added again.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from branches.models import Organisation, SocialPage
from publications.choices import Channel, Language
from publications.models import Publication, Repost, Rubric, Topic

ALMATY = ZoneInfo("Asia/Almaty")
YEAR_TOTALS = {2022: 76, 2023: 120, 2024: 103}
# After the report, up to today: a year's worth each, of which only the days gone by are kept
# (each year from its own seed, so the report's years stay exactly as they are).
LATER_YEAR_TOTAL = 110

BRANCH_SLUGS = [
    "kazybek-bi",
    "bokeikhan",
    "temirtau",
    "balkhash",
    "shakhtinsk",
    "saran",
    "abai",
    "bukhar-zhyrau",
    "karkaraly",
    "nura",
    "osakarovka",
    "shet",
]

EXTRA_RUBRICS = [
    (
        "kak-zhivesh-pervichka",
        "Как живешь, первичка?",
        "Выезды в первичные организации и онлайн-встречи с председателями.",
    ),
]

# The two rubric posts the report links (tracking parameters dropped).
REPORT_POSTS = [
    {
        "url": "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/",
        "published_at": dt.datetime(2024, 4, 30, 10, 0, tzinfo=ALMATY),
        "title": "«Человек труда»: педагог, который 35 лет отдал школе",
        "text": "В рубрике «Человек труда» рассказываем о членах профсоюза, чей труд — пример для коллег. "
        "Сегодня — учитель начальных классов, ветеран педагогического труда, наставник молодых учителей.",
        "rubric": "chelovek-truda",
        "language": Language.RU,
        "topics": ["union-life"],
    },
    {
        "url": "https://www.facebook.com/share/p/jchbrXiXFm9KEXtH/",
        "published_at": dt.datetime(2024, 3, 7, 11, 0, tzinfo=ALMATY),
        "title": "«Еңбегімен еленген нәзік жандар»: білім саласының абзал жандары",
        "text": "«Еңбегімен еленген нәзік жандар» айдарында 8 наурыз – Халықаралық әйелдер күні қарсаңында "
        "еңбегімен елге танылған ұстаздар туралы әңгімелейміз.",
        "rubric": "enbegimen-elengen-nazik-zhandar",
        "language": Language.KK,
        "topics": ["union-life", "social-support"],
    },
]

TITLES_RU = [
    ("Разъяснение: как оформить ежегодный оплачиваемый отпуск педагогу", ["labour-rights"]),
    ("Профсоюз защитил права учителя при увольнении", ["labour-rights"]),
    ("Семинар для председателей первичных организаций по охране труда", ["labour-safety"]),
    ("О повышении заработной платы педагогов с 1 января", ["wages"]),
    ("Материальная помощь членам профсоюза, пострадавшим от паводка", ["social-support"]),
    ("Подписан коллективный договор в колледже", ["collective-agreements", "labour-rights"]),
    ("Слёт молодых педагогов области", ["young-teachers"]),
    ("Оздоровление членов профсоюза: путёвки в санаторий", ["health-and-leisure", "social-support"]),
    ("Проверка соблюдения трудового законодательства в школах района", ["labour-rights"]),
    ("Доплаты за классное руководство и проверку тетрадей: что изменилось", ["wages"]),
    ("Специальная оценка условий труда: вопросы и ответы", ["labour-safety"]),
    ("Встреча с педагогами в рамках акции «Как живешь, первичка?»", ["union-life"]),
    ("Онлайн-совещание с председателями первичных профсоюзных организаций", ["union-life"]),
    ("Юридическая консультация: нагрузка педагога и сверхурочная работа", ["labour-rights", "wages"]),
    ("Итоги заседания Исполнительного комитета", ["union-life"]),
    ("Спартакиада работников образования", ["health-and-leisure"]),
    ("Поздравляем с Днём учителя!", ["union-life"]),
    ("Аттестация педагогов: права и гарантии", ["labour-rights"]),
    ("Обучение профсоюзного актива по вопросам безопасности труда", ["labour-safety"]),
    ("Памятка: куда обратиться, если нарушены ваши трудовые права", ["labour-rights"]),
]

TITLES_KK = [
    ("Педагогтің еңбек демалысы: құқықтарыңызды біліңіз", ["labour-rights"]),
    ("Кәсіподақ мұғалімнің еңбек құқығын қорғады", ["labour-rights"]),
    ("Еңбекті қорғау жөніндегі семинар өтті", ["labour-safety"]),
    ("Педагогтердің жалақысы туралы түсіндірме", ["wages"]),
    ("Кәсіподақ мүшелеріне материалдық көмек көрсетілді", ["social-support"]),
    ("Колледжде ұжымдық шартқа қол қойылды", ["collective-agreements"]),
    ("Жас педагогтер форумы", ["young-teachers"]),
    ("Мұғалімдер күні құтты болсын!", ["union-life"]),
    ("Бастауыш кәсіподақ ұйымдары төрағаларымен онлайн кездесу", ["union-life"]),
    ("Кәсіподақ мүшелерін сауықтыру: шипажайға жолдамалар", ["health-and-leisure"]),
    ("Еңбек заңнамасының сақталуын тексеру", ["labour-rights"]),
    ("Атқару комитеті отырысының қорытындылары", ["union-life"]),
]

TITLES_BOTH = [
    ("Кәсіподақ жаңалықтары / Новости профсоюза", ["union-life"]),
    ("Еңбек құқықтарын қорғау / Защита трудовых прав", ["labour-rights"]),
    ("Жалақы туралы / О заработной плате", ["wages"]),
]

RUBRIC_TITLES = {
    "chelovek-truda": [
        "«Человек труда»: учитель-наставник из {place}",
        "«Человек труда»: воспитатель детского сада с 30-летним стажем",
        "«Человек труда»: преподаватель колледжа, ветеран профсоюза",
    ],
    "enbegimen-elengen-nazik-zhandar": [
        "«Еңбегімен еленген нәзік жандар»: {place} ұстазы",
        "«Еңбегімен еленген нәзік жандар»: балабақша тәрбиешісі",
    ],
    "kak-zhivesh-pervichka": [
        "«Как живешь, первичка?»: визит в школы {place}",
        "«Как живешь, первичка?»: онлайн-встреча с председателями первичек",
    ],
}

PLACES = ["Сарани", "Темиртау", "Шахтинска", "Осакаровки", "Шетского района", "Бухар-Жырау", "Караганды"]

PRINTED = [
    (Channel.MEMO, "Памятка члену профсоюза: трудовой договор"),
    (Channel.BROCHURE, "Брошюра «Коллективный договор: от проекта до подписания»"),
    (Channel.LEAFLET, "Листовка «Вступай в профсоюз!»"),
    (Channel.POSTER, "Плакат «Охрана труда в школе»"),
    (Channel.BOOKLET, "Буклет о деятельности областной организации"),
    (Channel.BULLETIN, "Информационный бюллетень областной организации"),
    (Channel.EXPRESS_INFO, "Экспресс-информация о повышении заработной платы"),
    (Channel.METHODICAL, "Методические рекомендации по ведению делопроизводства в первичке"),
    (Channel.STAND, "Обновлён профсоюзный уголок в школе-гимназии"),
]

PARTNERS = [
    "Управление образования Карагандинской области",
    "Карагандинский областной профсоюзный центр",
    "Федерация профсоюзов Республики Казахстан",
]


def _generate(rng: random.Random, year: int, count: int, reserved: int) -> list[dict]:
    """`count - reserved` rows for `year` (the report posts fill the reserved places)."""
    rows = []
    days = 366 if year % 4 == 0 else 365
    for index in range(count - reserved):
        # The regional organisation publishes most; each branch a share of the rest.
        slug = "regional" if rng.random() < 0.4 else rng.choice(BRANCH_SLUGS)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(days))
        when = dt.datetime(day.year, day.month, day.day, rng.randint(9, 18), rng.choice([0, 15, 30, 45]), tzinfo=ALMATY)
        roll = rng.random()
        rubric = None
        if roll < 0.07:
            channel, title = rng.choice(PRINTED)
            language, topics = Language.RU, ["labour-rights"]
            title = f"{title} ({year})"
        else:
            channel = Channel.FACEBOOK if rng.random() < 0.55 else Channel.INSTAGRAM
            rubric_roll = rng.random()
            if rubric_roll < 0.12:
                rubric = "chelovek-truda"
            elif rubric_roll < 0.18:
                rubric = "enbegimen-elengen-nazik-zhandar"
            elif rubric_roll < 0.24 and year >= 2023:
                rubric = "kak-zhivesh-pervichka"
            if rubric:
                title = rng.choice(RUBRIC_TITLES[rubric]).format(place=rng.choice(PLACES))
                language = Language.KK if rubric == "enbegimen-elengen-nazik-zhandar" else Language.RU
                topics = ["union-life"]
            else:
                lang_roll = rng.random()
                pool, language = (
                    (TITLES_RU, Language.RU)
                    if lang_roll < 0.55
                    else (TITLES_KK, Language.KK)
                    if lang_roll < 0.87
                    else (TITLES_BOTH, Language.BOTH)
                )
                title, topics = rng.choice(pool)
        reach = None
        if channel in (Channel.FACEBOOK, Channel.INSTAGRAM) and rng.random() < 0.7:
            views = rng.randint(150, 3500)
            reach = (views, rng.randint(views // 30, views // 8), rng.randint(0, 40), rng.randint(0, 25))
        rows.append(
            {
                "slug": slug,
                "published_at": when,
                "title": title,
                "text": _text_for(topics, language),
                "channel": channel,
                "rubric": rubric,
                "language": language,
                "topics": topics,
                "reach": reach,
                "repost": rng.random() < 0.08,
                "partner": rng.choice(PARTNERS),
                "index": index,
            }
        )
    return rows


BODIES = {
    "labour-rights": (
        "Правовой инспектор профсоюза разъясняет, как защитить свои трудовые права и куда обращаться.",
        "Кәсіподақтың құқықтық инспекторы еңбек құқықтарын қалай қорғауға болатынын түсіндіреді.",
    ),
    "labour-safety": (
        "Технический инспектор труда напоминает о требованиях безопасности в учебных заведениях.",
        "Еңбек жөніндегі техникалық инспектор оқу орындарындағы қауіпсіздік талаптарын еске салады.",
    ),
    "wages": (
        "Что изменилось в оплате труда педагогов и как проверить начисления.",
        "Педагогтердің еңбекақысында не өзгерді және есептеулерді қалай тексеруге болады.",
    ),
    "social-support": (
        "Профсоюз оказал материальную помощь членам профсоюза, оказавшимся в трудной ситуации.",
        "Кәсіподақ қиын жағдайға тап болған мүшелеріне материалдық көмек көрсетті.",
    ),
    "collective-agreements": (
        "Коллективный договор закрепил дополнительные гарантии для работников.",
        "Ұжымдық шарт қызметкерлерге қосымша кепілдіктер берді.",
    ),
    "young-teachers": (
        "Молодые педагоги обсудили наставничество и первые годы работы в школе.",
        "Жас педагогтер тәлімгерлік пен мектептегі алғашқы жылдарды талқылады.",
    ),
    "health-and-leisure": (
        "Члены профсоюза и их дети отдохнули и поправили здоровье по профсоюзным путёвкам.",
        "Кәсіподақ мүшелері мен олардың балалары кәсіподақ жолдамасымен демалды.",
    ),
    "union-life": (
        "Карагандинская областная организация профсоюза рассказывает о своей работе.",
        "Кәсіподақтың Қарағанды облыстық ұйымы өз жұмысы туралы айтады.",
    ),
}


def _text_for(topics: list[str], language: str) -> str:
    ru, kk = BODIES.get(topics[0] if topics else "union-life", BODIES["union-life"])
    if language == Language.KK:
        return kk
    if language == Language.BOTH:
        return f"{kk}\n\n{ru}"
    return ru


def load(*, stdout=None) -> None:
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=["regional", *BRANCH_SLUGS])}
    if "regional" not in organisations:
        if stdout:
            stdout.write("  publications.demo: no registry yet, skipped")
        return
    for position, (slug, name, description) in enumerate(EXTRA_RUBRICS, start=10):
        Rubric.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    rubrics = {r.slug: r for r in Rubric.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    pages = {}
    for page in (
        SocialPage.objects.filter(organisation__slug__in=organisations).select_related("organisation").order_by("id")
    ):
        pages.setdefault((page.organisation.slug, page.platform), page)

    rng = random.Random(20240101)  # fixed: the same rows every run
    rows = []
    for year, total in YEAR_TOTALS.items():
        reserved = sum(1 for post in REPORT_POSTS if post["published_at"].year == year)
        rows.extend(_generate(rng, year, total, reserved))
    now = timezone.now()
    for year in range(max(YEAR_TOTALS) + 1, timezone.localdate().year + 1):
        later = _generate(random.Random(20240101 + year), year, LATER_YEAR_TOTAL, 0)
        rows.extend(row for row in later if row["published_at"] <= now)
    for post in REPORT_POSTS:
        rows.append(
            {
                **post,
                "slug": "regional",
                "channel": Channel.FACEBOOK,
                "reach": None,
                "repost": True,
                "partner": PARTNERS[0],
            }
        )

    # Two generated rows may share organisation, minute and title: move the later one by a
    # minute, so the key below tells rows apart and a second run adds nothing.
    generated_keys = set()
    for row in rows:
        while (row["slug"], row["published_at"], row["title"]) in generated_keys:
            row["published_at"] += dt.timedelta(minutes=1)
        generated_keys.add((row["slug"], row["published_at"], row["title"]))

    existing = set(Publication.objects.values_list("organisation__slug", "published_at", "title"))
    existing_urls = set(Publication.objects.exclude(url="").values_list("url", flat=True))
    new_rows, seen = [], set()
    for row in rows:
        organisation = organisations.get(row["slug"]) or organisations["regional"]
        key = (organisation.slug, row["published_at"], row["title"])
        if key in existing or key in seen or (row.get("url") and row["url"] in existing_urls):
            continue
        seen.add(key)
        new_rows.append((row, organisation))

    publications = []
    for row, organisation in new_rows:
        reach = row.get("reach") or (None, None, None, None)
        publications.append(
            Publication(
                published_at=row["published_at"],
                title=row["title"],
                text=row["text"],
                channel=row["channel"],
                organisation=organisation,
                social_page=pages.get((organisation.slug, row["channel"])),
                rubric=rubrics.get(row["rubric"]) if row.get("rubric") else None,
                language=row["language"],
                url=row.get("url", ""),
                views=reach[0],
                likes=reach[1],
                comments=reach[2],
                shares=reach[3],
            )
        )
    created = Publication.objects.bulk_create(publications)
    through = Publication.topics.through
    links, reposts = [], []
    for publication, (row, _organisation) in zip(created, new_rows, strict=True):
        for slug in row.get("topics", []):
            if slug in topics:
                links.append(through(publication_id=publication.pk, topic_id=topics[slug].pk))
        if row.get("repost"):
            reposts.append(
                Repost(
                    publication=publication,
                    partner_name=row["partner"],
                    reposted_on=(publication.published_at + dt.timedelta(days=1)).astimezone(ALMATY).date(),
                )
            )
    through.objects.bulk_create(links, ignore_conflicts=True)
    Repost.objects.bulk_create(reposts)
    if stdout:
        stdout.write(f"  publications.demo: {len(created)} publications added")
