"""Demo appeals: the 1,358 questions, messages and appeals the apparatus and branches
handled in 2023 (the report: many by WhatsApp), a few hundred in 2022 and 2024 and in every
year after it up to today (the last ten days' still open), a few
frequent questions and canned replies. Personal data is obviously fake (example.invalid,
+7000… numbers (E.164, as stored), «Демо» names). Idempotent: appeals are keyed on their DEMO- references."""

import datetime
import random
import secrets

from django.utils import timezone

from appeals.choices import Channel, EventKind, Rating, Status, Topic
from appeals.models import Appeal, AppealEvent, CannedReply, FaqEntry, hash_code, tracking_code_for

YEAR_COUNTS = {2022: 412, 2023: 1358, 2024: 486}
# After the report, up to today: a year's worth each, of which only those received by now are
# kept (each year from its own seed, so the report's years stay exactly as they are).
LATER_YEAR_COUNT = 520

CHANNEL_WEIGHTS = {
    Channel.WHATSAPP: 38,
    Channel.INSTAGRAM: 13,
    Channel.FACEBOOK: 11,
    Channel.PHONE: 14,
    Channel.WEB: 10,
    Channel.VISIT: 8,
    Channel.EMAIL: 4,
    Channel.LETTER: 2,
}
TOPIC_WEIGHTS = {
    Topic.WAGES: 24,
    Topic.LABOUR_RIGHTS: 14,
    Topic.WORKLOAD: 16,
    Topic.LEAVE: 12,
    Topic.SOCIAL_SUPPORT: 10,
    Topic.LEGAL_HELP: 9,
    Topic.MEMBERSHIP: 7,
    Topic.LABOUR_SAFETY: 4,
    Topic.OTHER: 4,
}
BRANCH_SLUGS = [
    "kazybek-bi", "bokeikhan", "temirtau", "balkhash", "shakhtinsk", "saran",
    "abai", "bukhar-zhyrau", "karkaraly", "nura", "osakarovka", "shet",
]

QUESTIONS = {
    Topic.WAGES: [
        ("ru", "Почему в этом месяце не доплатили за классное руководство?"),
        ("ru", "Как рассчитывается доплата за проверку тетрадей?"),
        ("kk", "Сынып жетекшілігі үшін қосымша ақы неге төленбеді?"),
        ("ru", "Положена ли надбавка за работу в сельской местности?"),
    ],
    Topic.LABOUR_RIGHTS: [
        ("ru", "Могут ли перевести на другую должность без моего согласия?"),
        ("kk", "Келісімімсіз басқа лауазымға ауыстыра ала ма?"),
        ("ru", "Директор требует написать заявление по собственному желанию. Что делать?"),
    ],
    Topic.WORKLOAD: [
        ("ru", "Какие документы нужны для аттестации на категорию педагог-модератор?"),
        ("kk", "Педагог-сарапшы санатына аттестаттауға қандай құжаттар керек?"),
        ("ru", "Законно ли давать учителю больше 1,5 ставки?"),
    ],
    Topic.LEAVE: [
        ("ru", "Сколько дней отпуска положено воспитателю детского сада?"),
        ("kk", "Оқу демалысын қалай рәсімдеуге болады?"),
        ("ru", "Можно ли перенести отпуск на осень?"),
    ],
    Topic.SOCIAL_SUPPORT: [
        ("ru", "Как получить материальную помощь от профсоюза на лечение?"),
        ("kk", "Кәсіподақтан санаторийге жолдама алуға бола ма?"),
    ],
    Topic.LEGAL_HELP: [
        ("ru", "Нужна консультация юриста по трудовому договору."),
        ("kk", "Еңбек шарты бойынша заңгер кеңесі керек."),
    ],
    Topic.MEMBERSHIP: [
        ("ru", "Как встать на учёт в профсоюз при переходе в другую школу?"),
        ("kk", "Кәсіподақ жарнасы қанша пайыз?"),
    ],
    Topic.LABOUR_SAFETY: [
        ("ru", "В кабинете зимой +14, кто должен это исправить?"),
        ("kk", "Мектепте жылу жоқ, кімге жүгіну керек?"),
    ],
    Topic.OTHER: [
        ("ru", "Когда будет следующий розыгрыш в Instagram?"),
        ("kk", "Облыстық кәсіподақтың мекенжайы қандай?"),
    ],
}
ANSWERS = {
    "ru": "Здравствуйте! Спасибо за обращение. Разъяснение дано, при необходимости обратитесь к председателю первичной организации.",
    "kk": "Сәлеметсіз бе! Өтінішіңізге рақмет. Түсіндірме берілді, қажет болса бастауыш ұйым төрағасына жүгініңіз.",
}

CANNED_REPLIES = [
    ("Доплата за классное руководство", Topic.WAGES,
     "Здравствуйте! Доплата за классное руководство установлена постановлением Правительства РК. Если она не начислена, обратитесь в бухгалтерию организации образования; при отказе — к председателю первичной организации или в областной профсоюз.",
     "Сәлеметсіз бе! Сынып жетекшілігі үшін қосымша ақы ҚР Үкіметінің қаулысымен белгіленген. Есептелмесе, білім беру ұйымының бухгалтериясына, бас тартса — бастауыш ұйым төрағасына немесе облыстық кәсіподаққа жүгініңіз."),
    ("Отпуск педагога", Topic.LEAVE,
     "Здравствуйте! Педагогам предоставляется ежегодный оплачиваемый трудовой отпуск продолжительностью 56 календарных дней.",
     "Сәлеметсіз бе! Педагогтерге ұзақтығы 56 күнтізбелік күн жыл сайынғы ақылы еңбек демалысы беріледі."),
    ("Аттестация: документы", Topic.WORKLOAD,
     "Здравствуйте! Перечень документов для аттестации утверждён приказом Министерства просвещения. Подробно проконсультирует методист вашего отдела образования.",
     "Сәлеметсіз бе! Аттестаттауға арналған құжаттар тізбесі Оқу-ағарту министрлігінің бұйрығымен бекітілген."),
    ("Материальная помощь", Topic.SOCIAL_SUPPORT,
     "Здравствуйте! Материальная помощь оказывается по заявлению через первичную профсоюзную организацию с приложением подтверждающих документов.",
     "Сәлеметсіз бе! Материалдық көмек бастауыш кәсіподақ ұйымы арқылы өтініш бойынша, растайтын құжаттармен беріледі."),
    ("Консультация юриста", Topic.LEGAL_HELP,
     "Здравствуйте! Правовой инспектор областного профсоюза проведёт консультацию. Позвоните, чтобы договориться о времени.",
     "Сәлеметсіз бе! Облыстық кәсіподақтың құқықтық инспекторы кеңес береді. Уақытын келісу үшін қоңырау шалыңыз."),
]

FAQ = [
    (Topic.LEAVE, "Сколько дней отпуска положено педагогу?", "Ежегодный оплачиваемый трудовой отпуск педагогов — 56 календарных дней.",
     "Педагогке қанша күн демалыс беріледі?", "Педагогтердің жыл сайынғы ақылы еңбек демалысы — 56 күнтізбелік күн."),
    (Topic.WAGES, "Кто платит доплату за классное руководство?", "Доплату начисляет организация образования из бюджетных средств; при отказе обратитесь в профсоюз.",
     "Сынып жетекшілігі үшін қосымша ақыны кім төлейді?", "Қосымша ақыны білім беру ұйымы бюджет қаражатынан есептейді; бас тартса, кәсіподаққа жүгініңіз."),
    (Topic.MEMBERSHIP, "Как вступить в профсоюз?", "Напишите заявление председателю первичной профсоюзной организации по месту работы.",
     "Кәсіподаққа қалай кіруге болады?", "Жұмыс орныңыздағы бастауыш кәсіподақ ұйымының төрағасына өтініш жазыңыз."),
    (Topic.SOCIAL_SUPPORT, "Можно ли получить путёвку в санаторий?", "Да, через первичную организацию; очередь и условия утверждает профком.",
     "Санаторийге жолдама алуға бола ма?", "Иә, бастауыш ұйым арқылы; кезек пен шарттарды кәсіподақ комитеті бекітеді."),
    (Topic.WORKLOAD, "Можно ли отказаться от нагрузки свыше ставки?", "Да, нагрузка сверх ставки устанавливается только с письменного согласия педагога.",
     "Мөлшерлемеден тыс жүктемеден бас тартуға бола ма?", "Иә, мөлшерлемеден тыс жүктеме тек педагогтің жазбаша келісімімен беріледі."),
]


def _weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _status_for(rng, year: int, received: datetime.datetime) -> str:
    recent = year > 2024 and received > timezone.now() - datetime.timedelta(days=10)
    if (year == 2024 and received.month == 12 and received.day > 20) or recent:
        return rng.choice([Status.NEW, Status.IN_PROGRESS, Status.ANSWERED])
    roll = rng.random()
    if roll < 0.03:
        return Status.REJECTED
    if roll < 0.05:
        return Status.DUPLICATE
    if roll < 0.12:
        return Status.ANSWERED
    return Status.CLOSED


def _make_year(rng, year: int, count: int, orgs: dict, workplaces: list) -> list[Appeal]:
    from appeals.services import due_date_for

    tz = timezone.get_default_timezone()
    start = datetime.datetime(year, 1, 9, 9, tzinfo=tz)
    span = (datetime.datetime(year, 12, 28, 18, tzinfo=tz) - start).total_seconds()
    appeals = []
    for n in range(1, count + 1):
        received = start + datetime.timedelta(seconds=rng.random() * span)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        topic = _weighted(rng, TOPIC_WEIGHTS)
        language, question = rng.choice(QUESTIONS[topic])
        status = _status_for(rng, year, received)
        slug = rng.choice(BRANCH_SLUGS) if rng.random() < 0.62 else None
        anonymous = rng.random() < 0.08
        salt = secrets.token_urlsafe(24)
        number = f"{year % 100}{n:04d}"
        appeal = Appeal(
            reference=f"DEMO-{year % 100}-{n:04d}",
            code_salt=salt,
            code_hash=hash_code(tracking_code_for(salt)),
            channel=channel,
            received_at=received,
            language=language,
            is_anonymous=anonymous,
            name="" if anonymous else f"Демо Участник {number}",
            phone="" if anonymous or channel in (Channel.EMAIL, Channel.WEB) else f"+7000000{number[-4:]}",
            email="" if anonymous or channel not in (Channel.EMAIL, Channel.WEB) else f"demo-{number}@example.invalid",
            workplace=rng.choice(workplaces) if workplaces and rng.random() < 0.5 else None,
            branch=orgs.get(slug),
            topic=topic,
            question=question,
            consent_version="2024-1" if channel == Channel.WEB else "",
            consent_at=received if channel == Channel.WEB else None,
            status=status,
            due_date=due_date_for(received),
            notified_at=received,
            created_at=received,
        )
        if status in (Status.ANSWERED, Status.CLOSED):
            answered = received + datetime.timedelta(hours=rng.lognormvariate(3.3, 0.9))
            appeal.answer = ANSWERS[language]
            appeal.answered_at = appeal.first_answered_at = appeal.answer_sent_at = answered
            if status == Status.CLOSED:
                appeal.closed_at = answered + datetime.timedelta(days=rng.randint(1, 5))
                if rng.random() < 0.45:
                    appeal.rating = Rating.HELPFUL if rng.random() < 0.84 else Rating.NOT_HELPFUL
                    appeal.rated_at = appeal.closed_at
        elif status in (Status.REJECTED, Status.DUPLICATE):
            appeal.closed_at = received + datetime.timedelta(days=rng.randint(1, 4))
        appeals.append(appeal)
    return appeals


def _events(appeal: Appeal) -> list[AppealEvent]:
    events = [AppealEvent(appeal=appeal, kind=EventKind.SUBMITTED, to_status=Status.NEW, is_public=True, created_at=appeal.received_at)]
    if appeal.first_answered_at:
        events.append(AppealEvent(appeal=appeal, kind=EventKind.STATUS, from_status=Status.NEW, to_status=Status.ANSWERED, is_public=True, created_at=appeal.first_answered_at))
        events.append(AppealEvent(appeal=appeal, kind=EventKind.ANSWERED, text=appeal.answer, is_public=True, created_at=appeal.first_answered_at))
    if appeal.closed_at:
        previous = Status.ANSWERED if appeal.first_answered_at else Status.NEW
        events.append(AppealEvent(appeal=appeal, kind=EventKind.STATUS, from_status=previous, to_status=appeal.status, is_public=True, created_at=appeal.closed_at))
    return events


def load(*, stdout=None) -> None:
    from branches.models import Organisation

    for title, topic, text_ru, text_kk in CANNED_REPLIES:
        CannedReply.objects.get_or_create(title=title, defaults={"topic": topic, "text_ru": text_ru, "text_kk": text_kk})
    for position, (topic, q_ru, a_ru, q_kk, a_kk) in enumerate(FAQ, start=1):
        FaqEntry.objects.get_or_create(
            question_ru=q_ru,
            defaults={"topic": topic, "answer_ru": a_ru, "question_kk": q_kk, "answer_kk": a_kk, "is_published": True, "position": position},
        )
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=BRANCH_SLUGS)}
    workplaces = list(Organisation.objects.filter(kind="primary")[:200])
    if not Appeal.objects.filter(reference__startswith="DEMO-22-").exists():
        rng = random.Random(2023)
        appeals = []
        for year, count in YEAR_COUNTS.items():
            appeals.extend(_make_year(rng, year, count, orgs, workplaces))
        _save(rng, appeals)
        if stdout:
            stdout.write(f"  appeals: {len(appeals)} demo appeals ({', '.join(f'{y}: {c}' for y, c in YEAR_COUNTS.items())})\n")
    now = timezone.now()
    existing = set(Appeal.objects.filter(reference__startswith="DEMO-").values_list("reference", flat=True))
    for year in range(max(YEAR_COUNTS) + 1, timezone.localdate().year + 1):
        rng = random.Random(2023 + year)
        later = _make_year(rng, year, LATER_YEAR_COUNT, orgs, workplaces)
        # Only what has happened by now: received, and answered or closed, before this moment.
        later = [
            a
            for a in later
            if a.reference not in existing and all(t is None or t <= now for t in (a.received_at, a.answered_at, a.closed_at))
        ]
        _save(rng, later)
        if stdout and later:
            stdout.write(f"  appeals: {len(later)} demo appeals added for {year}\n")


def _save(rng, appeals: list[Appeal]) -> None:
    # A duplicate names its original: the appeal just before it (saved first, so it has a pk).
    originals = [a for a in appeals if a.status != Status.DUPLICATE]
    duplicates = [a for a in appeals if a.status == Status.DUPLICATE]
    Appeal.objects.bulk_create(originals, batch_size=500)
    if not all(a.pk for a in originals):
        by_ref = dict(Appeal.objects.filter(reference__startswith="DEMO-").values_list("reference", "pk"))
        for a in originals:
            a.pk = by_ref[a.reference]
    for dup in duplicates:
        dup.duplicate_of = rng.choice(originals) if originals else None
    Appeal.objects.bulk_create(duplicates, batch_size=500)
    if not all(a.pk for a in duplicates):
        by_ref = dict(Appeal.objects.filter(reference__startswith="DEMO-").values_list("reference", "pk"))
        for a in duplicates:
            a.pk = by_ref[a.reference]
    AppealEvent.objects.bulk_create([e for a in appeals for e in _events(a)], batch_size=1000)
