"""The publications log as a spreadsheet: its columns and how a row becomes a publication
(columns: docs/import.md). Reading, row numbers, the preview and the all-or-nothing
transaction are the shared mechanism's (unionportal/spreadsheets.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import Organisation, SocialPage
from publications.choices import Channel, Language
from publications.models import Publication, Rubric, Topic
from publications.services import normalise_url, publication_create, publications_create_bulk
from unionportal import spreadsheets as sp
from unionportal.exceptions import ApplicationError

COLUMNS = [
    sp.Column("published_at", gettext_lazy("published"), required=True, aliases=("date", "дата", "күні")),
    sp.Column("title", gettext_lazy("title"), required=True, aliases=("заголовок", "тақырып")),
    sp.Column("text", gettext_lazy("text or summary"), multiline=True, aliases=("текст", "мәтін")),
    sp.Column("channel", gettext_lazy("channel"), required=True, aliases=("канал", "арна")),
    sp.Column("organisation", gettext_lazy("organisation"), required=True, aliases=("организация", "ұйым")),
    sp.Column("social_page", gettext_lazy("social page")),
    sp.Column("rubric", gettext_lazy("rubric"), aliases=("рубрика", "айдар")),
    sp.Column("topics", gettext_lazy("topics"), aliases=("темы", "тақырыптар")),
    sp.Column("language", gettext_lazy("language"), aliases=("язык", "тілі")),
    sp.Column("url", gettext_lazy("link"), aliases=("ссылка", "сілтеме")),
    sp.Column("views", gettext_lazy("views")),
    sp.Column("likes", gettext_lazy("likes")),
    sp.Column("comments", gettext_lazy("comments")),
    sp.Column("shares", gettext_lazy("shares")),
]
COUNTS = ("views", "likes", "comments", "shares")


@sp.register
class PublicationImporter(sp.Importer):
    """One publication per row, through `publication_create` (a branch editor's rows must be
    of their branch: the service refuses the others)."""

    name = "publications"
    verbose_name = gettext_lazy("publications")
    columns = COLUMNS
    permission = "publications.add_publication"
    preview_headers = [
        gettext_lazy("published"), gettext_lazy("title"), gettext_lazy("channel"), gettext_lazy("organisation"),
        gettext_lazy("rubric"), gettext_lazy("link"),
    ]

    def prepare(self):
        self.organisations = sp.NameIndex(Organisation.objects.all(), label=_("organisation"))
        self.rubrics = sp.NameIndex(Rubric.objects.all(), fields=("slug", "name"), label=_("rubric"))
        self.topics = sp.NameIndex(Topic.objects.all(), fields=("slug", "name_ru", "name_kk"), label=_("topic"))
        self.pages = {}
        for page in SocialPage.objects.all():
            self.pages.setdefault(page.url, page)
            self.pages.setdefault(page.original_url, page)
        self.logged = set(Publication.objects.exclude(url="").values_list("url", flat=True))

    def check_row(self, row):
        fields = {
            "published_at": row.parse("published_at", sp.parse_datetime),
            "title": row.text("title"),
            "text": row.text("text"),
            "channel": row.parse("channel", sp.parse_choice, Channel),
            "organisation": row.parse("organisation", self.organisations.find),
            "rubric": row.parse("rubric", self.rubrics.find, required=False),
            "language": row.parse("language", sp.parse_choice, Language, default=Language.RU),
        }
        if not fields["title"]:
            row.problem(_("the title is empty"))
        if row.text("social_page"):
            raw = row.text("social_page")
            page = self.pages.get(normalise_url(raw)) or self.pages.get(raw)
            if page is None:
                row.problem(_("no page in the registry at «%(value)s»") % {"value": raw})
            fields["social_page"] = page
        topics = []
        for name in filter(None, (t.strip() for t in row.text("topics").replace(",", ";").split(";"))):
            topic = row.parse("topics", lambda value, n=name: self.topics.find(n))
            if topic is not None:
                topics.append(topic)
        fields["topics"] = topics
        url = row.parse("url", sp.parse_url)
        fields["url"] = url or ""
        for column in COUNTS:
            fields[column] = row.parse(column, sp.parse_int)
        link = normalise_url(fields["url"]) if fields["url"] else ""
        if link and link in self.logged:
            row.problem(_("the link is already logged"))
        return {"fields": fields, "link": link}

    def check_file(self, plans):
        seen: dict[str, int] = {}
        for row, plan in plans:
            link = plan["link"]
            if link and link in seen:
                row.problem(_("the same link as row %(row)s") % {"row": seen[link]})
            elif link:
                seen[link] = row.number

    def save_row(self, plan, row) -> str:
        publication_create(user=self.user, **plan["fields"])
        return "created"

    def save_all(self, plans, *, tick):
        """Every row through the bulk service (the same checks, a few queries per file)."""
        try:
            publications_create_bulk(user=self.user, rows=[plan["fields"] for _row, plan in plans], tick=tick)
        except ApplicationError as exc:
            if isinstance(exc.extra.get("errors"), dict):
                raise sp.RowErrors({plans[i][0].number: messages for i, messages in exc.extra["errors"].items()}) from exc
            raise
        return {"created": len(plans)}

    def preview_row(self, plan, row):
        f = plan["fields"]
        return [
            f["published_at"], f["title"], Channel(f["channel"]).label, f["organisation"],
            f["rubric"] or "", plan["link"],
        ]


# --- The staff page and the management command ----------------------------------------


@dataclass
class ImportResult:
    created: int


class ImportFailed(ApplicationError):
    """The file was refused; `errors` lists "Row N: why" for every bad row."""

    def __init__(self, message, errors: list[str]):
        super().__init__(message, code="import_failed", extra={"errors": errors})
        self.errors = errors


def import_publications(uploaded, *, user=None) -> ImportResult:
    """Create a publication per row, or nothing at all. Raises ImportFailed naming bad rows."""
    report = sp.run_import(PublicationImporter(user=user), uploaded.read(), commit=True)
    if not report.ok:
        raise ImportFailed(
            _("Nothing was imported: %(count)s bad rows.") % {"count": len(report.errors)}, report.error_lines()
        )
    return ImportResult(created=report.counts.get("created", 0))


# --- Export ----------------------------------------------------------------------------


def export_rows(queryset):
    """Rows for export in the import's columns, so an export can be edited and imported back."""
    qs = (
        queryset.select_related("organisation", "social_page", "rubric")
        .prefetch_related("topics")
        .order_by("published_at", "id")
    )
    for p in qs.iterator(chunk_size=2000):
        yield [
            timezone.localtime(p.published_at).strftime("%Y-%m-%d %H:%M"),
            p.title,
            p.text,
            p.channel,
            p.organisation.slug,
            p.social_page.url if p.social_page_id else "",
            p.rubric.slug if p.rubric_id else "",
            ";".join(t.slug for t in p.topics.all()),
            p.language,
            p.url,
            *["" if v is None else v for v in (p.views, p.likes, p.comments, p.shares)],
        ]


HEADERS = [c.key for c in COLUMNS]


def export_csv(queryset) -> bytes:
    return sp.write_csv(HEADERS, export_rows(queryset))


def export_xlsx(queryset) -> bytes:
    return sp.write_xlsx({"publications": (HEADERS, export_rows(queryset))})
