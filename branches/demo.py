"""Demo data of the registry: the regional organisation and the 13 organisations of
Appendix 1 of the report. Idempotent: keyed on the slug."""

from branches.choices import OrganisationKind
from branches.models import Organisation

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
