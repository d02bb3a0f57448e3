"""unionportal.db.insert_rows: one INSERT past Model.save that stores the very row the ORM
would (the public appeal form and poll answers write through it)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from appeals.choices import EventKind
from appeals.models import Appeal, AppealEvent
from tests.appeals.factories import AppealFactory
from unionportal.db import insert_rows, insert_with_children

pytestmark = pytest.mark.django_db


def _unsaved(**fields) -> Appeal:
    return AppealFactory.build(**fields)


# Unique per appeal, or the moment each was made.
_OWN = ("id", "reference", "code_salt", "code_hash", "email", "received_at", "consent_at", "notified_at", "created_at", "updated_at")


def _stored(appeal: Appeal) -> dict:
    row = Appeal.objects.filter(pk=appeal.pk).values().get()
    assert all(row[name] is not None for name in ("created_at", "updated_at", "received_at"))
    return {name: value for name, value in row.items() if name not in _OWN}


def test_the_row_is_the_one_model_save_stores():
    saved, inserted = _unsaved(question="Один вопрос"), _unsaved(question="Один вопрос")
    saved.save()
    insert_rows(Appeal, [inserted], return_pks=True)
    assert inserted.pk and inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(inserted) == _stored(saved)  # and the dates the model fills itself are filled


def test_an_uploaded_file_is_written_to_its_storage_before_the_row():
    appeal = _unsaved(attachment=ContentFile(b"%PDF-1.4\n%scan\n", name="scan.pdf"))
    insert_rows(Appeal, [appeal], return_pks=True)
    stored = Appeal.objects.get(pk=appeal.pk).attachment
    assert stored.name.endswith(".pdf") and stored.storage.exists(stored.name)
    assert stored.read() == b"%PDF-1.4\n%scan\n"
    stored.storage.delete(stored.name)


def test_several_rows_in_one_insert_and_a_refused_one_stores_nothing():
    appeal = AppealFactory()
    events = [AppealEvent(appeal=appeal, kind=EventKind.NOTE, text=f"запись {n}") for n in range(3)]
    insert_rows(AppealEvent, events)
    assert list(appeal.events.order_by("pk").values_list("text", flat=True)) == ["запись 0", "запись 1", "запись 2"]
    twin = _unsaved(reference=appeal.reference)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Appeal, [twin], return_pks=True)
    assert Appeal.objects.count() == 1 and twin.pk is None


def test_fetch_one_reads_what_the_orm_reads_and_nothing_for_a_value_no_row_can_hold():
    from unionportal.db import fetch_one

    appeal = AppealFactory(is_anonymous=True, name="")
    found = fetch_one(Appeal, ["id", "is_anonymous", "received_at", "due_date"], pk=str(appeal.pk))
    orm = Appeal.objects.only("id", "is_anonymous", "received_at", "due_date").get(pk=appeal.pk)
    # Booleans, aware date-times and dates as the ORM gives them (SQLite stores 1 and text).
    assert (found.is_anonymous, found.received_at, found.due_date) == (True, orm.received_at, orm.due_date)
    assert found.get_deferred_fields() == orm.get_deferred_fields()
    assert found.question == appeal.question  # a field not loaded loads when read
    for wrong in (appeal.pk + 1, 10**30, -(10**30), "abc", None):
        assert fetch_one(Appeal, ["id"], pk=wrong) is None
    AppealFactory(is_anonymous=True, name="")
    assert fetch_one(Appeal, ["id"], is_anonymous=True) is None  # two rows: not the one


def test_a_model_something_listens_to_is_saved_the_orm_s_way_so_the_listener_hears_it():
    from django.db.models.signals import post_save

    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    appeal = AppealFactory()
    post_save.connect(listener, sender=AppealEvent, dispatch_uid="test-insert-rows-listener")
    try:
        events = [AppealEvent(appeal=appeal, kind=EventKind.NOTE, text="слышно")]
        insert_rows(AppealEvent, events)
    finally:
        post_save.disconnect(dispatch_uid="test-insert-rows-listener", sender=AppealEvent)
    assert heard == [(events[0].pk, True)] and events[0].pk is not None
    # The hot paths' own rows take the fast way (a receiver added to them would slow them).
    from django.db.models.signals import pre_save

    from polls.models import Answer, Response

    for model in (Appeal, AppealEvent, Response, Answer):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model


def _event(kind=EventKind.SUBMITTED, **fields) -> AppealEvent:
    return AppealEvent(kind=kind, to_status="new" if kind == EventKind.SUBMITTED else "", **fields)


@pytest.mark.django_db(transaction=True)
def test_a_parent_and_its_children_are_the_rows_the_orm_stores_and_link_to_each_other():
    saved = _unsaved(question="Вопрос с историей")
    saved.save()
    for text in ("первая", "вторая"):
        AppealEvent.objects.create(appeal=saved, kind=EventKind.NOTE, text=text)
    parent = _unsaved(question="Вопрос с историей")
    children = [_event(EventKind.NOTE, text="первая", appeal=parent), _event(EventKind.NOTE, text="вторая")]
    insert_with_children(parent, children, link="appeal")
    assert parent.pk and parent.pk != saved.pk and not parent._state.adding
    assert _stored(parent) == _stored(saved)
    assert all(child.appeal_id == parent.pk for child in children)

    def events(appeal):
        return list(appeal.events.order_by("pk").values("kind", "text", "actor_id", "is_public", "to_status"))

    assert events(parent) == events(saved)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refused", ["parent", "last child", "first of two children"])
def test_a_refused_row_stores_neither_the_parent_nor_any_child(refused):
    """Outside any transaction, as a request runs: the parent and its children are stored
    together or not at all."""
    taken = AppealFactory()
    parent = _unsaved(reference=taken.reference if refused == "parent" else "ZZZZ-ZZZZ")
    # An event without its date breaks its column's NOT NULL on both databases.
    bad = AppealEvent(kind=EventKind.NOTE, text="x", created_at=None)
    children = {
        "parent": [_event()],
        "last child": [_event(), bad],
        "first of two children": [bad, _event()],
    }[refused]
    with pytest.raises(IntegrityError):
        insert_with_children(parent, children, link="appeal")
    assert list(Appeal.objects.values_list("pk", flat=True)) == [taken.pk]
    assert AppealEvent.objects.filter(appeal_id__gt=taken.pk).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_parent_with_a_key_of_its_own_keeps_it_as_the_field_reads_it(regional_org, branch_a):
    """A poll's response has a random UUID key, made before the row: it comes back a UUID
    on both databases (SQLite returns the column's hex text), and its answers link to it."""
    import uuid

    from polls.models import Answer, Response
    from tests.polls.factories import make_poll

    poll = make_poll(organisation=regional_org, units=[branch_a], slug="uuid-key")
    question = poll.questions.first()
    response = Response(poll=poll, submitted_on=datetime.date(2026, 12, 2), form_nonce="n")
    key = response.pk
    answers = [Answer(question=question, text=f"ответ {n}") for n in range(2)]
    insert_with_children(response, answers, link="response")
    assert isinstance(response.pk, uuid.UUID) and response.pk == key
    stored = Response.objects.get(pk=key)
    assert list(stored.answers.order_by("pk").values_list("text", flat=True)) == ["ответ 0", "ответ 1"]
