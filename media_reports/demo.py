"""Demo data of the media part, from the 2022–2024 report, and after it up to today.

- the report's four TV and YouTube appearances, exactly as listed;
- articles in the republican papers «Қазақстан кәсіподағы» and «Білімді ел – Образованная
  страна»: 24 in 2022, 27 in 2023 and 10 in 2024 (the report's figures);
- a few articles in regional and district papers and reposts by a social partner, which do
  not touch the republican counts;
- yearly subscriptions of every organisation to both republican papers;
- after 2024, up to today: 14 republican articles a year, the same regional and district
  papers, and two broadcasts a year (nothing dated after today).

Кашенова М. and Хамитова Э., "chairs of district branches" in the report, are attached to the
Абайский (abai) and Шетский (shet) district branches. Idempotent: rows are keyed on their
natural keys and only missing ones are created.
"""

from datetime import date, timedelta

from branches.models import Organisation
from media_reports.choices import AppearanceKind, Language, OutletKind, OutletLevel
from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker

KAZ_KASIPODAGY = "Қазақстан кәсіподағы"
BILIMDI_EL = "Білімді ел – Образованная страна"
FPRK_YOUTUBE = "YouTube-канал ФПРК"
KARAGANDA_1 = "1-Карагандинский"
NEW_TV = "Новое телевидение"

OUTLETS = [
    (KAZ_KASIPODAGY, OutletKind.NEWSPAPER, OutletLevel.REPUBLICAN),
    (BILIMDI_EL, OutletKind.NEWSPAPER, OutletLevel.REPUBLICAN),
    (FPRK_YOUTUBE, OutletKind.YOUTUBE_CHANNEL, OutletLevel.REPUBLICAN),
    ("Индустриальная Караганда", OutletKind.NEWSPAPER, OutletLevel.REGIONAL),
    ("Орталық Қазақстан", OutletKind.NEWSPAPER, OutletLevel.REGIONAL),
    ("Отан-Заман", OutletKind.NEWSPAPER, OutletLevel.REGIONAL),
    (KARAGANDA_1, OutletKind.TV_CHANNEL, OutletLevel.REGIONAL),
    (NEW_TV, OutletKind.TV_CHANNEL, OutletLevel.REGIONAL),
    ("Управление образования Карагандинской области", OutletKind.PARTNER_PAGE, OutletLevel.REGIONAL),
    ("Абай ақиқаты", OutletKind.NEWSPAPER, OutletLevel.DISTRICT),
    ("Сарыарқа", OutletKind.NEWSPAPER, OutletLevel.DISTRICT),
    ("Қарқаралы", OutletKind.NEWSPAPER, OutletLevel.DISTRICT),
    ("Шет ақиқаты", OutletKind.NEWSPAPER, OutletLevel.DISTRICT),
]

PROGRAMMES = [(KARAGANDA_1, "Вадут"), (FPRK_YOUTUBE, "Приоритеты"), (NEW_TV, "Зеленая волна")]

SPEAKERS = [
    # (name, post, organisation slug)
    ("Ракишева А.", "Председатель областной организации", "regional"),
    ("Кашенова М.", "Председатель Абайского районного профсоюза", "abai"),
    ("Хамитова Э.", "Председатель Шетского районного профсоюза", "shet"),
]

# The report's TV and YouTube appearances: (date, outlet, programme, kind, title, link, speakers).
BROADCASTS = [
    (
        date(2022, 12, 15),
        FPRK_YOUTUBE,
        "Приоритеты",
        AppearanceKind.VIDEO,
        "Программа «Приоритеты» на YouTube-канале ФПРК",
        "https://www.facebook.com/share/p/VuDPvgEJc74RJoAH/",
        [],
    ),
    (
        date(2023, 4, 18),
        KARAGANDA_1,
        "Вадут",
        AppearanceKind.TV_BROADCAST,
        "Безопасность и охрана труда",
        "https://youtu.be/q7xQNHFiueU",
        ["Ракишева А."],
    ),
    (
        date(2023, 12, 14),
        FPRK_YOUTUBE,
        "Приоритеты",
        AppearanceKind.VIDEO,
        "Рубрика «Приоритеты» YouTube-канала ФПРК",
        "https://youtu.be/c2BJZGYRWPw",
        [],
    ),
    (
        date(2024, 8, 30),
        NEW_TV,
        "Зеленая волна",
        AppearanceKind.TV_BROADCAST,
        "О работе профсоюза",
        "https://youtu.be/rUlsl2hpIZ4",
        ["Кашенова М.", "Хамитова Э."],
    ),
]

# Publications in republican papers per year, split between the two papers (the report's totals).
REPUBLICAN_SPLIT = {2022: (14, 10), 2023: (15, 12), 2024: (6, 4)}
# After the report, up to today (an article or broadcast is added once its date has come).
LATER_REPUBLICAN_SPLIT = (8, 6)
LATER_BROADCASTS = [
    # (month, day, outlet, programme, kind, title, speakers): every year after the report.
    (5, 15, KARAGANDA_1, "Вадут", AppearanceKind.TV_BROADCAST, "Права молодых педагогов", ["Ракишева А."]),
    (11, 20, FPRK_YOUTUBE, "Приоритеты", AppearanceKind.VIDEO, "Нагрузка и оплата труда педагогов", []),
]

TOPICS = [
    "Защита трудовых прав педагогов",
    "Коллективный договор: что изменилось",
    "Как живешь, первичка?",
    "Человек труда",
    "Еңбегімен еленген нәзік жандар",
    "Оздоровление членов профсоюза",
    "Молодые педагоги в профсоюзе",
    "Охрана труда в школах",
    "Итоги работы областной организации",
    "Правовая помощь: вопросы и ответы",
    "Кәсіподақ мүшелерін әлеуметтік қолдау",
    "Социальное партнёрство в образовании",
]
BRANCH_CYCLE = ["regional", "regional", "kazybek-bi", "temirtau", "saran", "regional", "shakhtinsk", "bokeikhan"]

# Regional and district papers: (outlet, organisation slug, articles per year).
LOCAL_PRESS = [
    ("Индустриальная Караганда", "regional", 3),
    ("Орталық Қазақстан", "regional", 2),
    ("Отан-Заман", "temirtau", 1),
    ("Абай ақиқаты", "abai", 2),
    ("Сарыарқа", "osakarovka", 1),
    ("Қарқаралы", "karkaraly", 2),
    ("Шет ақиқаты", "shet", 2),
]

YEARS = (2022, 2023, 2024)


def _years() -> range:
    """The report's years and every one after it up to the current one."""
    return range(YEARS[0], max(YEARS[-1], date_today().year) + 1)


def date_today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _article_date(year: int, index: int) -> date:
    """Spread the articles over the year; distinct for each index below 36."""
    return date(year, index % 12 + 1, 3 + (index // 12) * 9)


def _articles(orgs: dict[str, Organisation], outlets: dict[str, Outlet]) -> list[dict]:
    rows = []
    for year in _years():
        split = REPUBLICAN_SPLIT.get(year, LATER_REPUBLICAN_SPLIT)
        for outlet_name, count, language, shift in (
            (KAZ_KASIPODAGY, split[0], Language.KAZAKH, 0),
            (BILIMDI_EL, split[1], Language.BOTH, 5),
        ):
            for i in range(count):
                rows.append(
                    {
                        "date": _article_date(year, i) + timedelta(days=2 * shift),
                        "outlet": outlets[outlet_name],
                        "kind": AppearanceKind.ARTICLE,
                        "title": TOPICS[(i + year + shift) % len(TOPICS)],
                        "organisation": orgs[BRANCH_CYCLE[i % len(BRANCH_CYCLE)]],
                        "language": language,
                    }
                )
        for outlet_name, slug, per_year in LOCAL_PRESS:
            for i in range(per_year):
                rows.append(
                    {
                        "date": _article_date(year, i * 5 + 2),
                        "outlet": outlets[outlet_name],
                        "kind": AppearanceKind.INTERVIEW if i == 1 else AppearanceKind.ARTICLE,
                        "title": TOPICS[(i * 3 + year + 1) % len(TOPICS)],
                        "organisation": orgs[slug],
                        "language": Language.KAZAKH if "ақиқаты" in outlet_name else Language.RUSSIAN,
                    }
                )
        # The education department reposts the union's news on its page.
        rows.append(
            {
                "date": date(year, 10, 5),
                "outlet": outlets["Управление образования Карагандинской области"],
                "kind": AppearanceKind.PARTNER_REPOST,
                "title": "День учителя: поздравление областной организации профсоюза",
                "organisation": orgs["regional"],
                "language": Language.RUSSIAN,
            }
        )
    return rows


def load(*, stdout=None) -> None:
    orgs = Organisation.objects.in_bulk(field_name="slug")

    outlets = {}
    for name, kind, level in OUTLETS:
        outlets[name], _created = Outlet.objects.get_or_create(name=name, defaults={"kind": kind, "level": level})
    programmes = {}
    for outlet_name, name in PROGRAMMES:
        programmes[name], _created = Programme.objects.get_or_create(outlet=outlets[outlet_name], name=name)
    speakers = {}
    for name, post, slug in SPEAKERS:
        speakers[name], _created = Speaker.objects.get_or_create(
            organisation=orgs[slug], name=name, defaults={"role": post}
        )

    rows = [
        {
            "date": when,
            "outlet": outlets[outlet_name],
            "programme": programmes[programme],
            "kind": kind,
            "title": title,
            "organisation": orgs["regional"],
            "language": Language.RUSSIAN,
            "link": link,
        }
        for when, outlet_name, programme, kind, title, link, _speakers in BROADCASTS
    ]
    for year in range(YEARS[-1] + 1, date_today().year + 1):
        for month, day, outlet_name, programme, kind, title, _speakers in LATER_BROADCASTS:
            rows.append(
                {
                    "date": date(year, month, day),
                    "outlet": outlets[outlet_name],
                    "programme": programmes[programme],
                    "kind": kind,
                    "title": title,
                    "organisation": orgs["regional"],
                    "language": Language.RUSSIAN,
                }
            )
    rows += _articles(orgs, outlets)
    today = date_today()
    rows = [row for row in rows if row["date"] <= today]
    existing = set(MediaAppearance.objects.values_list("outlet_id", "date", "title"))
    new = [MediaAppearance(**row) for row in rows if (row["outlet"].pk, row["date"], row["title"]) not in existing]
    MediaAppearance.objects.bulk_create(new)

    # The speakers of the broadcasts; the through table's unique pair makes a rerun a no-op.
    Through = MediaAppearance.speakers.through
    links = []
    later = [
        (date(year, month, day), outlet_name, None, kind, title, None, names)
        for year in range(YEARS[-1] + 1, today.year + 1)
        for month, day, outlet_name, _programme, kind, title, names in LATER_BROADCASTS
        if date(year, month, day) <= today
    ]
    for when, outlet_name, _programme, _kind, title, _link, names in BROADCASTS + later:
        appearance = MediaAppearance.objects.get(outlet=outlets[outlet_name], date=when, title=title)
        links += [Through(mediaappearance_id=appearance.pk, speaker_id=speakers[n].pk) for n in names]
    Through.objects.bulk_create(links, ignore_conflicts=True)

    subscriptions = []
    for year in _years():
        for org in orgs.values():
            if org.kind not in ("regional", "branch"):
                continue
            base = 12 if org.slug == "regional" else 3 + org.position % 4
            subscriptions.append(NewspaperSubscription(organisation=org, year=year, outlet=outlets[KAZ_KASIPODAGY], copies=base))
            subscriptions.append(NewspaperSubscription(organisation=org, year=year, outlet=outlets[BILIMDI_EL], copies=base - 1))
    NewspaperSubscription.objects.bulk_create(subscriptions, ignore_conflicts=True)

    if stdout is not None:
        stdout.write(f"    media appearances: {len(new)} new, subscriptions: {NewspaperSubscription.objects.count()}")
