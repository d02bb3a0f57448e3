"""The branches' appeals registers as a spreadsheet (CSV or XLSX): the columns and how a row
becomes an appeal (columns: docs/appeals.md). Reading, encodings, true row numbers, the
preview, the row limit and the all-or-nothing transaction are the shared mechanism's
(unionportal/spreadsheets.py).

Each row goes through `services.appeal_import`, the same model rules as a typed appeal (the
phone in its international form, no date in the future), so the figures count it exactly
like one. Rows hold members' names and contacts: nothing of a row is logged, and the
background task of a large file carries the stored upload's id only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_regional
from appeals import services
from appeals.choices import Channel, Status, Topic
from appeals.models import QUESTION_MAX_LENGTH, Appeal
from appeals.phones import normalise_phone
from branches.models import Organisation
from branches.scoping import user_organisation_id, visible_organisation_ids
from unionportal import spreadsheets as sp

COLUMNS = [
    sp.Column("received_at", gettext_lazy("received"), required=True, aliases=("date", "received", "дата", "дата поступления", "күні", "келген күні")),
    sp.Column("channel", gettext_lazy("channel"), required=True, aliases=("канал", "арна")),
    sp.Column("topic", gettext_lazy("topic"), required=True, aliases=("тема", "тақырып")),
    sp.Column("organisation", gettext_lazy("branch or organisation"), aliases=("branch", "филиал", "организация", "ұйым")),
    sp.Column("name", gettext_lazy("name"), aliases=("фио", "имя", "аты-жөні", "аты")),
    sp.Column("contact", gettext_lazy("phone or e-mail"), aliases=("phone", "email", "e-mail", "контакт", "телефон", "байланыс")),
    sp.Column("question", gettext_lazy("question"), required=True, multiline=True, aliases=("вопрос", "обращение", "сұрақ", "өтініш")),
    sp.Column("status", gettext_lazy("status"), aliases=("статус", "күйі")),
    sp.Column("answer", gettext_lazy("answer"), multiline=True, aliases=("ответ", "жауап")),
    sp.Column("answered_at", gettext_lazy("answer date"), aliases=("answered", "дата ответа", "жауап күні")),
    sp.Column("language", gettext_lazy("language"), aliases=("язык", "тілі")),
]

LANGUAGES = {"ru": "ru", "рус": "ru", "русский": "ru", "орыс": "ru", "kk": "kk", "каз": "kk", "казахский": "kk", "қаз": "kk", "қазақ": "kk", "kz": "kk"}


def parse_contact(text: str) -> tuple[str, str]:
    """(phone, email) from one cell's text: an e-mail if it has an @, else a phone number
    (a number cell of Excel reads as its digits, so 87015551234 works too)."""
    text = text.strip()
    if not text:
        return "", ""
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise sp.CellError(_("not an e-mail address")) from None
        return "", text
    try:
        return normalise_phone(text), ""
    except ValidationError:
        # Without the value: the import's report is stored with the upload.
        raise sp.CellError(_("not a phone number (write it as +7 701 123 45 67) nor an e-mail address")) from None


def parse_language(text: str) -> str:
    text = text.strip().casefold().rstrip(".")
    if not text:
        return "ru"
    if text not in LANGUAGES:
        raise sp.CellError(_("unknown language «%(value)s» (ru or kk)") % {"value": text})
    return LANGUAGES[text]


@sp.register
class AppealImporter(sp.Importer):
    """One appeal per row, through `services.appeal_import`. A branch editor's rows are for
    their branch and its primary organisations (others are "unknown"); an empty organisation
    means their own branch, or the regional apparatus for regional staff."""

    name = "appeals"
    verbose_name = gettext_lazy("appeals register")
    columns = COLUMNS
    permission = "appeals.add_appeal"
    preview_headers = [
        gettext_lazy("received"), gettext_lazy("channel"), gettext_lazy("topic"),
        gettext_lazy("branch or organisation"), gettext_lazy("status"), gettext_lazy("answer date"),
    ]

    def prepare(self):
        organisations = Organisation.objects.all()
        ids = visible_organisation_ids(self.user) if self.user is not None and not is_regional(self.user) else None
        if ids is not None:
            organisations = organisations.filter(pk__in=ids)
        self.organisations = sp.NameIndex(organisations, label=_("organisation"))
        self.default_branch = None
        if ids is not None:
            own = user_organisation_id(self.user)
            self.default_branch = Organisation.objects.filter(pk=own).first() if own else None
        self.now = timezone.now()

    def check_row(self, row):
        received_at = row.parse("received_at", sp.parse_datetime)
        channel = row.parse("channel", sp.parse_choice, Channel)
        topic = row.parse("topic", sp.parse_choice, Topic)
        organisation = row.parse("organisation", self.organisations.find, required=False)
        # Parsed from the cell's text (a phone typed into Excel may be a number cell).
        contact = row.parse("contact", lambda _value: parse_contact(row.text("contact"))) or ("", "")
        status = row.parse("status", sp.parse_choice, Status, required=False)
        answer = row.text("answer")
        answered_at = row.parse("answered_at", sp.parse_datetime, required=False)
        language = row.parse("language", lambda _value: parse_language(row.text("language"))) or "ru"
        question = row.text("question")
        name = row.text("name")
        if not question:
            row.problem(_("the question is empty"))
        elif len(question) > QUESTION_MAX_LENGTH:
            row.problem(_("the question is longer than %(max)s characters") % {"max": QUESTION_MAX_LENGTH})
        if len(name) > 200:
            row.problem(_("the name is longer than 200 characters"))
        if received_at is not None and received_at > self.now:
            row.problem(_("received: the date is in the future"))
        if answered_at is not None and answered_at > self.now:
            row.problem(_("answer date: the date is in the future"))
        if received_at is not None and answered_at is not None and answered_at < received_at:
            row.problem(_("answer date: before the appeal was received"))
        if answer and answered_at is None:
            row.problem(_("answer date: empty, but there is an answer"))
        if status is None:
            status = Status.ANSWERED if answer else Status.NEW
        if status not in services.IMPORT_STATUSES:
            row.problem(_("status: a register row cannot be a duplicate (merge it in the admin)"))
        if status == Status.ANSWERED and not answer:
            row.problem(_("status: answered, but the answer is empty"))
        phone, email = contact
        return {
            "received_at": received_at,
            "channel": channel,
            "status": status,
            "answer": answer,
            "answered_at": answered_at,
            "fields": {
                "topic": topic,
                "question": question,
                "branch": organisation or self.default_branch,
                "name": name,
                "phone": phone,
                "email": email,
                "language": language,
                "is_anonymous": not (name or phone or email),
            },
        }

    def _key(self, received_at, question, phone, email) -> tuple:
        return (received_at.replace(second=0, microsecond=0), " ".join(question.split()).casefold()[:300], phone, email.casefold())

    def check_file(self, plans):
        """The same row twice in the file, or a row already stored (a register imported twice)."""
        if not plans:
            return
        seen: dict[tuple, int] = {}
        for row, plan in plans:
            f = plan["fields"]
            key = self._key(plan["received_at"], f["question"], f["phone"], f["email"])
            if key in seen:
                row.problem(_("the same appeal as row %(row)s") % {"row": seen[key]})
            else:
                seen[key] = row.number
        first = min(plan["received_at"] for _row, plan in plans)
        last = max(plan["received_at"] for _row, plan in plans)
        stored = Appeal.objects.filter(received_at__gte=first.replace(second=0, microsecond=0), received_at__lte=last)
        existing = {
            self._key(received, question, phone, email)
            for received, question, phone, email in stored.values_list("received_at", "question", "phone", "email").iterator()
        }
        for row, plan in plans:
            f = plan["fields"]
            if self._key(plan["received_at"], f["question"], f["phone"], f["email"]) in existing:
                row.problem(_("this appeal is already stored (the register was imported before?)"))
        # Every row's reference, checked free in one query instead of one per row.
        for (_row, plan), reference in zip(plans, services.free_references(len(plans)), strict=True):
            plan["reference"] = reference

    def save_row(self, plan, row) -> str:
        services.appeal_import(
            actor=self.user,
            channel=plan["channel"],
            received_at=plan["received_at"],
            fields=plan["fields"],
            status=plan["status"],
            answer=plan["answer"],
            answered_at=plan["answered_at"],
            # The organisation came from this import's own index of the registry.
            trusted=("branch",),
            reference=plan.get("reference", ""),
        )
        return "created"

    def preview_row(self, plan, row):
        branch = plan["fields"]["branch"]
        return [
            plan["received_at"], Channel(plan["channel"]).label, Topic(plan["fields"]["topic"]).label,
            branch.name if branch else _("regional organisation"), Status(plan["status"]).label, plan["answered_at"] or "",
        ]
