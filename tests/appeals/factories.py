import secrets

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from appeals.choices import Channel, Status, Topic
from appeals.models import Appeal, AppealEvent, CannedReply, FaqEntry, hash_code, tracking_code_for
from appeals.services import due_date_for, new_reference


class AppealFactory(factory.django.DjangoModelFactory):
    """An appeal as the form would store it; `.tracking_code` gives its code."""

    class Meta:
        model = Appeal

    reference = factory.LazyFunction(new_reference)
    code_salt = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    code_hash = factory.LazyAttribute(lambda a: hash_code(tracking_code_for(a.code_salt)))
    channel = Channel.WEB
    received_at = factory.LazyFunction(timezone.now)
    language = "ru"
    name = "Тест Тестов"
    phone = "+77000000001"
    email = factory.Sequence(lambda n: f"member{n}@example.invalid")
    topic = Topic.WAGES
    question = "Почему мне не доплатили за классное руководство?"
    status = Status.NEW
    due_date = factory.LazyAttribute(lambda a: due_date_for(a.received_at))
    consent_version = "2024-1"
    consent_at = factory.LazyFunction(timezone.now)
    notified_at = factory.LazyFunction(timezone.now)

    class Params:
        with_attachment = factory.Trait(
            attachment=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%test\n", name="scan.pdf"))
        )


class AppealEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppealEvent

    appeal = factory.SubFactory(AppealFactory)
    kind = "submitted"


class CannedReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedReply

    title = factory.Sequence(lambda n: f"Шаблон {n}")
    topic = Topic.WAGES
    text_ru = "Здравствуйте! По вашему вопросу сообщаем: доплата положена по статье 102 Трудового кодекса."
    text_kk = "Сәлеметсіз бе! Сіздің сұрағыңыз бойынша хабарлаймыз: қосымша ақы төленуі тиіс."


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    topic = Topic.LEAVE
    question_ru = "Сколько дней отпуска положено учителю?"
    answer_ru = "Педагогам положен ежегодный оплачиваемый отпуск 56 календарных дней."
    question_kk = "Мұғалімге қанша күн демалыс беріледі?"
    answer_kk = "Педагогтерге жыл сайынғы 56 күнтізбелік күн ақылы демалыс беріледі."
    is_published = True
