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
