import datetime

from django.utils import timezone

from polls import services
from polls.choices import Access, Audience, QuestionKind

THREE_QUESTIONS = [
    {"kind": QuestionKind.SINGLE, "text_ru": "Довольны ли вы работой профкома?", "text_kk": "Кәсіподақ комитетінің жұмысына көңіліңіз толады ма?",
     "choices_ru": "Да\nСкорее да\nНет", "choices_kk": "Иә\nИә болар\nЖоқ"},
    {"kind": QuestionKind.SCALE, "text_ru": "Оцените информирование", "text_kk": "Ақпараттандыруды бағалаңыз"},
    {"kind": QuestionKind.TEXT, "text_ru": "Что улучшить?", "text_kk": "Нені жақсарту керек?", "is_required": False, "max_length": 200},
]


def make_poll(*, organisation, audience=Audience.BRANCHES, units=(), access=Access.OPEN, questions=None,
              opens_in_days=-1, closes_in_days=7, slug="pulse", is_anonymous=True, **extra):
    now = timezone.now()
    return services.poll_create(
        organisation=organisation,
        slug=slug,
        title_ru=extra.pop("title_ru", "Пульс-опрос"),
        title_kk=extra.pop("title_kk", "Пульс-сауалнама"),
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=now + datetime.timedelta(days=closes_in_days),
        questions=questions if questions is not None else THREE_QUESTIONS,
        audience=audience,
        audience_organisations=list(units),
        access=access,
        is_anonymous=is_anonymous,
        **extra,
    )


def answer(poll, *, choice=0, scale="4", text="", unit=None, code="", **values):
    """Count one answer through the service: the nth choice of the first question, a score."""
    questions = list(poll.questions.prefetch_related("choices"))
    data = {}
    for question in questions:
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            data[str(question.pk)] = [str(list(question.choices.all())[choice].pk)]
        elif question.kind == QuestionKind.SCALE:
            data[str(question.pk)] = [scale]
        elif text:
            data[str(question.pk)] = [text]
    data.update(values)
    import secrets

    return services.response_submit(
        poll=poll,
        submission=services.Submission(values=data, form_nonce=secrets.token_hex(8), unit_id=unit.pk if unit else None, code=code),
    )


def close(poll):
    services.poll_close(poll=poll)
    poll.refresh_from_db()
    return poll
