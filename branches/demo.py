"""Demo data of the registry: the regional organisation and the 13 organisations of
Appendix 1 of the report with every link as the report prints it (loaded through the
normalising service, so its problems show as flags), follower histories matching the
report's figures, and the outreach visits of 2023–2024. Idempotent: keyed on slugs, URLs
and dates."""

import datetime

from branches.choices import OrganisationKind, Platform, PrimaryKind
from branches.models import FollowerCount, Organisation, OutreachVisit, SocialPage
from branches.services import social_page_save

# (slug, Russian name, Kazakh name, chair) in the order of Appendix 1.
APPENDIX_1 = [
    ("regional", "Карагандинская областная организация профсоюза", "Кәсіподақтың Қарағанды облыстық ұйымы", "Ракишева А."),
    ("kazybek-bi", "Районный профсоюз им. Казыбек би г. Караганды", "Қарағанды қ. Қазыбек би ат. аудандық кәсіподағы", ""),
    ("bokeikhan", "Районный профсоюз им. А. Бокейхана г. Караганды", "Қарағанды қ. Ә. Бөкейхан ат. аудандық кәсіподағы", ""),
    ("temirtau", "Темиртауский городской профсоюз", "Теміртау қалалық кәсіподағы", ""),
    ("balkhash", "Локальный профсоюз г. Балхаш", "Балқаш қ. жергілікті кәсіподағы", ""),
    ("shakhtinsk", "Шахтинский городской профсоюз", "Шахтинск қалалық кәсіподағы", ""),
    ("saran", "Саранский городской профсоюз", "Саран қалалық кәсіподағы", ""),
    ("abai", "Абайский районный профсоюз", "Абай аудандық кәсіподағы", ""),
    ("bukhar-zhyrau", "Бухар-Жырауский районный профсоюз", "Бұқар жырау аудандық кәсіподағы", ""),
    ("karkaraly", "Каркаралинский районный профсоюз", "Қарқаралы аудандық кәсіподағы", ""),
    ("nura", "Нуринский районный профсоюз", "Нұра аудандық кәсіподағы", ""),
    ("osakarovka", "Осакаровский районный профсоюз", "Осакаров аудандық кәсіподағы", ""),
    ("shet", "Шетский районный профсоюз", "Шет аудандық кәсіподағы", ""),
]


# Every link of Appendix 1 exactly as the report prints it once its scanned lines are
# rejoined: tracking parameters, the post, the share links and the shared account included.
# (slug, Instagram, Facebook)
APPENDIX_1_LINKS = [
    ("regional", "https://www.instagram.com/profsoyuz310krg?igsh=bzdxaW0ybmF3Y2lm",
     "https://www.facebook.com/profile.php?id=100041669981308&mibextid=LQQJ4d"),
    ("kazybek-bi", "https://www.instagram.com/profsoyz_kazibekbi_krg?igsh=MXFkdHcxZWR3cHlmcg==",
     "https://www.facebook.com/profile.php?id=100065923713592&mibextid=LQQJ4d"),
    ("bokeikhan", "https://www.instagram.com/profsoyz_alihan_bokeikhan?igsh=MWNlYWQ2M2w4YX15ag==",
     "https://www.facebook.com/profile.php?id=100040766776380&mibextid=LQQJ4d"),
    ("temirtau", "https://www.instagram.com/p/C_NFCIZOIdW/?igsh=em5yMXllZXJtbTEw",
     "https://www.facebook.com/profile.php?id=100091534626403&mibextid=LQQJ4d"),
    ("balkhash", "https://www.instagram.com/1301asem?utm_source=qr&igsh=M2ZtYnVsNX14bWM5",
     "https://www.facebook.com/asem.aitzhanova.7?mibextid=LQQJ4d"),
    ("shakhtinsk", "https://www.instagram.com/profsoyz_shahtinsk?igsh=YnVjcmJuc2o1b2po",
     "https://www.facebook.com/profile.php?id=100001131471418&mibextid=LQQJ4d"),
    ("saran", "https://www.instagram.com/saran_kasip_odagy?igsh=MXhnOW12NmNzZWxmZw%3D%3D&utm_source=qr",
     "https://www.facebook.com/share/JnnunN8GkbvvWbQp/?mibextid=LQQJ4d"),
    ("abai", "https://www.instagram.com/abaiprofs?igsh=YW50YzN2ZXEzcWo2",
     "https://www.facebook.com/profile.php?id=100091772294407&mibextid=LQOJ4d"),
    ("bukhar-zhyrau", "https://www.instagram.com/buharzhirau_profkom?igsh=MWNiN21tY3ptYmY1dQ==",
     "https://www.facebook.com/profile.php?id=100079150882621&mibextid=LQOJ4d"),
    ("karkaraly", "https://www.instagram.com/profsoyz_karkaraly_krg?igsh=Nzc4ZnE1dW84OWRu&utm_source=qr",
     "https://www.facebook.com/share/yjrehhq1dnj4SYPP/?mibextid=LQQJ4d"),
    ("nura", "https://www.instagram.com/adambai4/?hl=ru",
     "https://www.facebook.com/profile.php?id=100011505072842&mibextid=LQOJ4d"),
    ("osakarovka", "https://www.instagram.com/1301asem?utm_source=qr&igsh=M2ZtYnVsNX14bWM5",
     "https://www.facebook.com/profile.php?id=100050240240750&mibextid=LQQJ4d"),
    ("shet", "https://www.instagram.com/shet_profsoiuz?igsh=MTEyM2M0ejRiazRubg==",
     "https://www.facebook.com/profile.php?id=61564216835782&mibextid=ZbWKwL"),
]


def load(*, stdout=None) -> None:
    regional = None
    for position, (slug, name_ru, name_kk, chair) in enumerate(APPENDIX_1, start=1):
        is_regional = slug == "regional"
        org, _created = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": OrganisationKind.REGIONAL if is_regional else OrganisationKind.BRANCH,
                "parent": None if is_regional else regional,
                "name_ru": name_ru,
                "name_kk": name_kk,
                "position": position,
                **({"chair_name": chair} if chair else {}),
            },
        )
        if is_regional:
            regional = org
    _load_primaries()
    _load_pages()
    _load_followers()
    _load_visits()
    if stdout:
        stdout.write(
            f"    branches: {Organisation.objects.count()} organisations, {SocialPage.objects.count()} pages, "
            f"{FollowerCount.objects.count()} follower counts, {OutreachVisit.objects.count()} visits"
        )


# A few primary organisations so branch pages show what one looks like (illustrative names).
PRIMARIES = [
    ("shet", "shet-school-1", "КГУ «Средняя школа №1» пос. Агадырь", PrimaryKind.SCHOOL, 64),
    ("shet", "shet-college", "Агадырский колледж", PrimaryKind.COLLEGE, 38),
    ("osakarovka", "osakarovka-school-2", "Осакаровская средняя школа №2", PrimaryKind.SCHOOL, 52),
    ("bukhar-zhyrau", "bukhar-kindergarten", "Ясли-сад «Балапан» пос. Ботакара", PrimaryKind.KINDERGARTEN, 21),
    ("saran", "saran-school-14", "Средняя школа №14 г. Сарани", PrimaryKind.SCHOOL, 71),
    ("temirtau", "temirtau-college", "Темиртауский высший политехнический колледж", PrimaryKind.COLLEGE, 95),
    ("kazybek-bi", "karaganda-university", "Карагандинский университет (первичная организация)", PrimaryKind.UNIVERSITY, 640),
]


def _load_primaries() -> None:
    branches = {o.slug: o for o in Organisation.objects.filter(slug__in={p[0] for p in PRIMARIES})}
    for position, (parent, slug, name, kind, members) in enumerate(PRIMARIES, start=1):
        Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": OrganisationKind.PRIMARY, "parent": branches[parent], "name_ru": name,
                "primary_kind": kind, "member_count": members, "position": position,
            },
        )


def _load_pages() -> None:
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=[row[0] for row in APPENDIX_1_LINKS])}
    entered = set(SocialPage.objects.values_list("organisation__slug", "original_url"))
    for slug, instagram, facebook in APPENDIX_1_LINKS:
        for platform, url in ((Platform.INSTAGRAM, instagram), (Platform.FACEBOOK, facebook)):
            if (slug, url) not in entered:
                social_page_save(organisation=organisations[slug], url=url, platform=platform)


def _fridays(year: int):
    day = datetime.date(year, 1, 1)
    day += datetime.timedelta(days=(4 - day.weekday()) % 7)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=7)


def _load_followers() -> None:
    """The regional pages: Facebook past 5,000; Instagram +1,000 in 2024, counted every Friday."""
    pages = {p.platform: p for p in SocialPage.objects.filter(organisation__slug="regional")}
    rows = []
    facebook = pages.get(Platform.FACEBOOK)
    if facebook:
        # Monthly counts from January 2022 (4,100) to December 2024 (5,120).
        months = [(year, month) for year in (2022, 2023, 2024) for month in range(1, 13)]
        for i, (year, month) in enumerate(months):
            count = 4100 + round(i * (5120 - 4100) / (len(months) - 1))
            rows.append(FollowerCount(social_page=facebook, date=datetime.date(year, month, 1), count=count))
    instagram = pages.get(Platform.INSTAGRAM)
    if instagram:
        start = 2150
        rows.append(FollowerCount(social_page=instagram, date=datetime.date(2023, 12, 29), count=start))
        fridays = list(_fridays(2024))
        for i, friday in enumerate(fridays, start=1):
            # Uneven weeks, as a real page grows, ending exactly 1,000 up on the last Friday.
            wobble = (i * 7) % 5 - 2 if i < len(fridays) else 0
            rows.append(FollowerCount(social_page=instagram, date=friday, count=start + round(i * 1000 / len(fridays)) + wobble))
    FollowerCount.objects.bulk_create(rows, ignore_conflicts=True)


APPARATUS = "Аппарат Областной организации"
VISITS = [
    ("shet", datetime.date(2023, 3, 15), "КГУ «Средняя школа №1» пос. Агадырь", False, "Встреча с коллективом, вопросы оплаты труда."),
    ("shet", datetime.date(2024, 4, 11), "Агадырский колледж", False, "Информирование о работе Областной организации."),
    ("osakarovka", datetime.date(2023, 5, 18), "Осакаровская средняя школа №2", False, "Профсоюзный уголок, подписка на «Қазақстан кәсіподағы»."),
    ("osakarovka", datetime.date(2024, 2, 22), "Школы пос. Осакаровка", False, ""),
    ("bukhar-zhyrau", datetime.date(2023, 10, 12), "Ясли-сад «Балапан» пос. Ботакара", False, ""),
    ("bukhar-zhyrau", datetime.date(2024, 10, 17), "Школы Бухар-Жырауского района", False, "Вопросы охраны труда."),
    ("saran", datetime.date(2023, 11, 9), "Средняя школа №14 г. Сарани", False, ""),
    ("saran", datetime.date(2024, 3, 7), "Первичные организации г. Сарани", False, "Встреча к 8 Марта."),
    ("temirtau", datetime.date(2023, 9, 21), "Темиртауский высший политехнический колледж", False, ""),
    ("temirtau", datetime.date(2024, 11, 14), "Школы г. Темиртау", False, "Информационная работа в соцсетях."),
    ("kazybek-bi", datetime.date(2023, 12, 7), "Карагандинский университет", False, ""),
    ("bokeikhan", datetime.date(2024, 5, 16), "Школы района им. А. Бокейхана г. Караганды", False, ""),
    ("regional", datetime.date(2023, 6, 8), "", True, "Онлайн-встреча с председателями первичных организаций: информационная работа."),
    ("regional", datetime.date(2024, 9, 12), "", True, "Онлайн-встреча с председателями первичных организаций: страницы в соцсетях."),
]


def _load_visits() -> None:
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in={v[0] for v in VISITS})}
    existing = set(OutreachVisit.objects.values_list("branch__slug", "date"))
    OutreachVisit.objects.bulk_create(
        [
            OutreachVisit(branch=organisations[slug], date=day, place=place, is_online=online, notes=notes, visitors=APPARATUS)
            for slug, day, place, online, notes in VISITS
            if (slug, day) not in existing
        ]
    )
