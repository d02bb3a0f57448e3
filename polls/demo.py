"""Demo polls: two closed polls of 2024 with plausible answers from every branch and what
was decided, and one poll open now.

Idempotent: a poll whose address exists is left alone. Answers are bulk-created in the
same shape the service writes (a random id, the day only, the branch of the link).
"""

import datetime
import random
import secrets
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from branches.choices import OrganisationKind
from branches.models import Organisation
from polls import services
from polls.choices import Access, Audience, InvitationChannel, QuestionKind
from polls.models import Answer, Invitation, Poll, Response

TZ = ZoneInfo(settings.TIME_ZONE)

PULSE_2024 = {
    "slug": "pulse-2024",
    "title_ru": "Как живешь, первичка? Пульс-опрос 2024",
    "title_kk": "Бастауыш ұйым, қалайсың? 2024 жылғы пульс-сауалнама",
    "intro_ru": "Три вопроса о том, как работает ваш профком. Ответы анонимны.",
    "intro_kk": "Кәсіподақ комитетіңіздің жұмысы туралы үш сұрақ. Жауаптар жасырын.",
    "opens": (2024, 3, 1),
    "closes": (2024, 3, 20),
    "access": Access.INVITATION,
    "answers": 214,
    "questions": [
        {"kind": QuestionKind.SINGLE, "text_ru": "Знаете ли вы, кто председатель вашей первичной организации?",
         "text_kk": "Бастауыш ұйымыңыздың төрағасы кім екенін білесіз бе?",
         "choices_ru": "Да, знаю лично\nЗнаю по имени\nНе знаю", "choices_kk": "Иә, жеке танимын\nАтын білемін\nБілмеймін"},
        {"kind": QuestionKind.SCALE, "text_ru": "Насколько вы информированы о работе профсоюза?",
         "text_kk": "Кәсіподақтың жұмысы туралы қаншалықты хабардарсыз?"},
        {"kind": QuestionKind.TEXT, "text_ru": "Что профкому стоит делать иначе?", "text_kk": "Кәсіподақ комитеті нені басқаша істеуі керек?",
         "is_required": False, "max_length": 500},
    ],
    "weights": [[5, 3, 2], [1, 2, 4, 5, 3]],
    "texts": ["Чаще приезжать в школу", "Больше информации в WhatsApp", "Юридические консультации по нагрузке",
              "Мектепке жиі келу керек", "Оздоровление летом для детей"],
    "outcome_ru": "По итогам опроса председатели филиалов провели выездные встречи в 38 первичных организациях, "
                  "а в каждом филиале появился чат профкома в WhatsApp.",
    "outcome_kk": "Сауалнама қорытындысы бойынша филиал төрағалары 38 бастауыш ұйымда көшпелі кездесу өткізді, "
                  "әр филиалда WhatsApp-та кәсіподақ комитетінің чаты ашылды.",
}

WORKLOAD_2024 = {
    "slug": "workload-2024",
    "title_ru": "Нагрузка и оплата труда педагогов — 2024",
    "title_kk": "Педагогтердің жүктемесі мен еңбекақысы — 2024",
    "intro_ru": "Опрос к заседанию Исполнительного комитета. Семь вопросов, по одному на экране.",
    "intro_kk": "Атқару комитетінің отырысына арналған сауалнама. Жеті сұрақ, әр экранда біреуден.",
    "opens": (2024, 10, 7),
    "closes": (2024, 10, 31),
    "access": Access.OPEN,
    "answers": 163,
    "questions": [
        {"kind": QuestionKind.SINGLE, "text_ru": "Ваша недельная нагрузка", "text_kk": "Апталық жүктемеңіз",
         "choices_ru": "до 16 часов\n16–24 часа\nболее 24 часов", "choices_kk": "16 сағатқа дейін\n16–24 сағат\n24 сағаттан артық"},
        {"kind": QuestionKind.SINGLE, "text_ru": "Доплачивают ли вам за классное руководство?", "text_kk": "Сынып жетекшілігі үшін қосымша ақы төлене ме?",
         "choices_ru": "Да, полностью\nЧастично\nНет\nНе классный руководитель", "choices_kk": "Иә, толық\nІшінара\nЖоқ\nСынып жетекшісі емеспін"},
        {"kind": QuestionKind.MULTIPLE, "text_ru": "Что отнимает больше всего времени?", "text_kk": "Уақытты ең көп не алады?",
         "choices_ru": "Отчёты\nЭлектронный журнал\nПроверка тетрадей\nМероприятия", "choices_kk": "Есептер\nЭлектрондық журнал\nДәптер тексеру\nІс-шаралар",
         "max_choices": 2},
        {"kind": QuestionKind.SCALE, "text_ru": "Оцените справедливость распределения нагрузки", "text_kk": "Жүктеменің әділ бөлінуін бағалаңыз"},
        {"kind": QuestionKind.SCALE, "text_ru": "Оцените помощь профкома в спорах о нагрузке", "text_kk": "Жүктеме туралы дауларда кәсіподақ комитетінің көмегін бағалаңыз"},
        {"kind": QuestionKind.SINGLE, "text_ru": "Обращались ли вы в профсоюз в этом году?", "text_kk": "Биыл кәсіподаққа жүгіндіңіз бе?",
         "choices_ru": "Да\nНет", "choices_kk": "Иә\nЖоқ"},
        {"kind": QuestionKind.TEXT, "text_ru": "Ваше предложение Исполнительному комитету", "text_kk": "Атқару комитетіне ұсынысыңыз",
         "is_required": False, "max_length": 500},
    ],
    "weights": [[3, 5, 2], [4, 3, 2, 2], [5, 3, 4, 2], [2, 3, 4, 2, 1], [1, 2, 3, 4, 3], [3, 5]],
    "texts": ["Сократить количество отчётов", "Есептерді азайту керек", "Оплачивать замены вовремя"],
    "outcome_ru": "Исполнительный комитет принял постановление о мониторинге отчётности в школах; "
                  "в трёх районах отчёты сокращены по обращениям профкомов.",
    "outcome_kk": "Атқару комитеті мектептердегі есептілікті бақылау туралы қаулы қабылдады; "
                  "үш ауданда кәсіподақ комитеттерінің өтініштері бойынша есептер қысқартылды.",
}

OPEN_NOW = {
    "slug": "informing-now",
    "title_ru": "Откуда вы узнаёте новости профсоюза?",
    "title_kk": "Кәсіподақ жаңалықтарын қайдан білесіз?",
    "intro_ru": "Короткий опрос: помогите нам выбрать каналы информирования.",
    "intro_kk": "Қысқа сауалнама: ақпарат арналарын таңдауға көмектесіңіз.",
    "access": Access.OPEN,
    "answers": 9,
    "questions": [
        {"kind": QuestionKind.MULTIPLE, "text_ru": "Где вы читаете новости профсоюза?", "text_kk": "Кәсіподақ жаңалықтарын қайдан оқисыз?",
         "choices_ru": "Instagram\nFacebook\nWhatsApp\nГазета «Қазақстан кәсіподағы»\nОт председателя профкома",
         "choices_kk": "Instagram\nFacebook\nWhatsApp\n«Қазақстан кәсіподағы» газеті\nКәсіподақ комитетінің төрағасынан", "max_choices": 3},
        {"kind": QuestionKind.SCALE, "text_ru": "Насколько полезны новости на сайте?", "text_kk": "Сайттағы жаңалықтар қаншалықты пайдалы?"},
        {"kind": QuestionKind.TEXT, "text_ru": "О чём писать чаще?", "text_kk": "Не туралы жиі жазу керек?", "is_required": False, "max_length": 300},
    ],
    "weights": [[5, 2, 5, 1, 3], [1, 1, 3, 4, 2]],
    "texts": ["О правах при аттестации"],
}


def _aware(ymd, hour):
    return datetime.datetime(*ymd, hour, 0, tzinfo=TZ)


def _create(spec, regional, branches, rng, *, opens_at, closes_at):
    poll = services.poll_create(
        organisation=regional,
        slug=spec["slug"],
        title_ru=spec["title_ru"],
        title_kk=spec["title_kk"],
        intro_ru=spec["intro_ru"],
        intro_kk=spec["intro_kk"],
        opens_at=opens_at,
        closes_at=closes_at,
        questions=spec["questions"],
        audience=Audience.REGION,
        access=spec["access"],
    )
    questions = list(poll.questions.prefetch_related("choices"))
    days = max((min(closes_at, timezone.now()) - opens_at).days, 1)
    # Bigger branches answer more; the smallest give a handful, so their cells are hidden.
    unit_weights = [max(1, 12 - i) for i in range(len(branches))]
    responses, answers = [], []
    for _n in range(spec["answers"]):
        unit = rng.choices(branches, weights=unit_weights)[0]
        day = (opens_at + datetime.timedelta(days=min(int(rng.expovariate(0.25)), days - 1))).date()
        response = Response(id=uuid.uuid4(), poll=poll, unit=unit, submitted_on=day, language=rng.choice(["ru", "ru", "kk"]),
                            form_nonce=secrets.token_urlsafe(16))
        responses.append(response)
        choice_index = 0
        for question in questions:
            if question.kind == QuestionKind.TEXT:
                if rng.random() < 0.15:
                    answers.append(Answer(response=response, question=question, unit=unit, text=rng.choice(spec["texts"]),
                                          is_marked=rng.random() < 0.3))
                continue
            weights = spec["weights"][choice_index]
            choice_index += 1
            if question.kind == QuestionKind.SCALE:
                answers.append(Answer(response=response, question=question, unit=unit, scale=rng.choices(range(1, 6), weights=weights)[0]))
                continue
            options = list(question.choices.all())
            count = 1 if question.kind == QuestionKind.SINGLE else rng.randint(1, question.max_choices or 1)
            picked = set()
            while len(picked) < count:
                picked.add(rng.choices(range(len(options)), weights=weights)[0])
            answers += [Answer(response=response, question=question, unit=unit, choice=options[i]) for i in sorted(picked)]
    if spec["access"] == Access.INVITATION:
        # Printed codes handed out at meetings: the codes themselves are long gone.
        invited = int(spec["answers"] * 1.4)
        Invitation.objects.bulk_create(
            Invitation(poll=poll, code_hash=secrets.token_hex(32), channel=InvitationChannel.PRINTED,
                       unit=rng.choice(branches), batch="Как живешь, первичка?", is_used=i < spec["answers"])
            for i in range(invited)
        )
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    return poll


def load(*, stdout=None) -> None:
    regional = Organisation.objects.filter(kind=OrganisationKind.REGIONAL).first()
    branches = list(Organisation.objects.filter(kind=OrganisationKind.BRANCH, is_active=True))
    if regional is None or not branches:
        return
    rng = random.Random(2024)  # noqa: S311 - demo data, not a secret
    made = 0
    for spec in (PULSE_2024, WORKLOAD_2024):
        if Poll.objects.filter(slug=spec["slug"]).exists():
            continue
        poll = _create(spec, regional, branches, rng, opens_at=_aware(spec["opens"], 9), closes_at=_aware(spec["closes"], 18))
        Poll.objects.filter(pk=poll.pk).update(
            outcome_ru=spec["outcome_ru"], outcome_kk=spec["outcome_kk"],
            outcome_published_at=_aware(spec["closes"], 18) + datetime.timedelta(days=20),
            # Demo: nothing to send.
            outcome_sent_at=_aware(spec["closes"], 18) + datetime.timedelta(days=20),
        )
        made += 1
    if not Poll.objects.filter(slug=OPEN_NOW["slug"]).exists():
        now = timezone.now()
        _create(OPEN_NOW, regional, branches, rng, opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(days=25))
        made += 1
    if stdout is not None:
        stdout.write(f"    polls: {made} made")
