"""Media appearances and newspaper subscriptions as spreadsheets: their columns and how a
row becomes a record (columns: docs/import.md). Reading, row numbers, the preview and the
all-or-nothing transaction are the shared mechanism's (unionportal/spreadsheets.py).

A branch editor may import only rows of their own organisation (or its primaries), and
name only the speakers they could pick in the admin.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.scoping import visible_organisation_ids
from media_reports.choices import AppearanceKind, Language
from media_reports.models import MediaAppearance, NewspaperSubscription, Outlet, Programme, Speaker
from media_reports.services import appearance_create, normalise_link, subscription_set
from unionportal import spreadsheets as sp

APPEARANCE_COLUMNS = [
    sp.Column("date", gettext_lazy("date"), required=True, aliases=("дата", "күні")),
    sp.Column("outlet", gettext_lazy("outlet"), required=True, aliases=("сми", "бақ")),
    sp.Column("programme", gettext_lazy("programme"), aliases=("программа", "бағдарлама")),
    sp.Column("kind", gettext_lazy("kind"), required=True, aliases=("вид", "түрі")),
    sp.Column("title", gettext_lazy("title or topic"), required=True, aliases=("тема", "тақырып")),
    sp.Column("speakers", gettext_lazy("speakers"), aliases=("спикеры", "сөйлегендер")),
    sp.Column("organisation", gettext_lazy("organisation"), required=True, aliases=("организация", "ұйым")),
    sp.Column("language", gettext_lazy("language"), aliases=("язык", "тілі")),
    sp.Column("duration_minutes", gettext_lazy("duration, minutes")),
    sp.Column("link", gettext_lazy("link"), aliases=("ссылка", "сілтеме")),
    sp.Column("audience_estimate", gettext_lazy("audience estimate")),
    sp.Column("audience_source", gettext_lazy("audience source")),
]
COLUMNS = [c.key for c in APPEARANCE_COLUMNS]
SUBSCRIPTION_COLUMNS = ["organisation", "year", "outlet", "copies"]


class _MediaImporter(sp.Importer):
    """What both imports share: outlets by name, the user's organisations and speakers."""

    def prepare(self):
        from branches.models import Organisation

        self.outlets = sp.NameIndex(Outlet.objects.all(), fields=("name",), label=_("outlet"))
        # No user: a management command or a test, which sees the whole registry.
        allowed = None if self.user is None else visible_organisation_ids(self.user)
        orgs = Organisation.objects.all() if allowed is None else Organisation.objects.filter(pk__in=allowed)
        self.organisations = sp.NameIndex(orgs, label=_("organisation"))

    def organisation(self, value):
        try:
            return self.organisations.find(value)
        except sp.CellError:
            raise sp.CellError(
                _("organisation «%(value)s» is unknown or not yours") % {"value": sp.cell_text(value)}
            ) from None

    def outlet(self, value):
        try:
            return self.outlets.find(value)
        except sp.CellError:
            raise sp.CellError(_("unknown outlet «%(value)s»") % {"value": sp.cell_text(value)}) from None


@sp.register
class AppearanceImporter(_MediaImporter):
    name = "media_reports.appearances"
    verbose_name = gettext_lazy("media appearances")
    columns = APPEARANCE_COLUMNS
    permission = "media_reports.add_mediaappearance"
    preview_headers = [
        gettext_lazy("date"), gettext_lazy("outlet"), gettext_lazy("programme"), gettext_lazy("kind"),
        gettext_lazy("title or topic"), gettext_lazy("organisation"), gettext_lazy("speakers"),
    ]

    def prepare(self):
        super().prepare()
        self.programmes = {}
        for programme in Programme.objects.all():
            self.programmes.setdefault(programme.outlet_id, sp.NameIndex((), fields=("name",))).add(programme)
        self.speakers: dict[str, list[Speaker]] = {}
        # The speakers the user could pick in the admin: a branch editor names their own.
        speakers = Speaker.objects.all()
        for speaker in speakers if self.user is None else speakers.for_user(self.user):
            self.speakers.setdefault(sp.fold_name(speaker.name), []).append(speaker)
        self.recorded = {
            (outlet, date, title.casefold())
            for outlet, date, title in MediaAppearance.objects.values_list("outlet_id", "date", "title")
        }

    def check_row(self, row):
        outlet = row.parse("outlet", self.outlet)
        programme = None
        programme_name = row.text("programme")
        if programme_name and outlet is not None:
            programme = self.programmes.get(outlet.pk, sp.NameIndex(())).get(programme_name)
            if programme is None:
                row.problem(
                    _("outlet «%(outlet)s» has no programme «%(value)s»") % {"outlet": outlet.name, "value": programme_name}
                )
        organisation = row.parse("organisation", self.organisation)
        title = row.text("title")
        if not title:
            row.problem(_("the title is empty"))
        speakers = []
        for name in filter(None, (n.strip() for n in row.text("speakers").split(";"))):
            found = self.speakers.get(sp.fold_name(name), [])
            if organisation is not None and len(found) > 1:
                found = [s for s in found if s.organisation_id == organisation.pk] or found
            if len(found) != 1:
                row.problem(_("speaker «%(value)s» is unknown or ambiguous") % {"value": name})
            else:
                speakers.append(found[0])
        link = row.parse("link", _link)
        data = {
            "date": row.parse("date", sp.parse_date),
            "outlet": outlet,
            "programme": programme,
            "kind": row.parse("kind", sp.parse_choice, AppearanceKind),
            "title": title,
            "organisation": organisation,
            "language": row.parse("language", sp.parse_choice, Language, default=Language.RUSSIAN),
            "speakers": speakers,
            "duration_minutes": row.parse("duration_minutes", sp.parse_int),
            "link": link or "",
            "audience_estimate": row.parse("audience_estimate", sp.parse_int),
            "audience_source": row.text("audience_source"),
        }
        if outlet is not None and data["date"] and (outlet.pk, data["date"], title.casefold()) in self.recorded:
            row.problem(_("this appearance is already recorded"))
        return data

    def check_file(self, plans):
        seen: set[tuple] = set()
        for row, data in plans:
            key = (data["outlet"].pk, data["date"], data["title"].casefold())
            if key in seen:
                row.problem(_("the same appearance is in the file twice"))
            seen.add(key)

    def save_row(self, data, row) -> str:
        appearance_create(**data)
        return "created"

    def preview_row(self, data, row):
        return [
            data["date"], data["outlet"].name, data["programme"].name if data["programme"] else "",
            AppearanceKind(data["kind"]).label, data["title"], data["organisation"],
            "; ".join(s.name for s in data["speakers"]),
        ]


@sp.register
class SubscriptionImporter(_MediaImporter):
    name = "media_reports.subscriptions"
    verbose_name = gettext_lazy("newspaper subscriptions")
    columns = [
        sp.Column("organisation", gettext_lazy("organisation"), required=True, aliases=("организация", "ұйым")),
        sp.Column("year", gettext_lazy("year"), required=True, aliases=("год", "жыл")),
        sp.Column("outlet", gettext_lazy("outlet"), required=True, aliases=("издание", "басылым")),
        sp.Column("copies", gettext_lazy("copies"), required=True, aliases=("экземпляры", "дана")),
    ]
    permission = "media_reports.add_newspapersubscription"
    counter_labels = {"created": gettext_lazy("recorded")}

    def check_row(self, row):
        year = row.parse("year", sp.parse_int, required=True, minimum=None)
        if year is not None and not 1990 <= year <= 2100:
            row.problem(_("year «%(value)s» is not a year") % {"value": row.text("year")})
        copies = row.parse("copies", sp.parse_int, required=True, minimum=None)
        if copies is not None and copies < 1:
            row.problem(_("copies must be a whole number above zero"))
        return {
            "organisation": row.parse("organisation", self.organisation),
            "year": year,
            "outlet": row.parse("outlet", self.outlet),
            "copies": copies,
        }

    def check_file(self, plans):
        seen: set[tuple] = set()
        for row, data in plans:
            key = (data["organisation"].pk, data["year"], data["outlet"].pk)
            if key in seen:
                row.problem(_("the same subscription is in the file twice"))
            seen.add(key)

    def save_row(self, data, row) -> str:
        subscription_set(**data)
        return "created"

    def preview_row(self, data, row):
        return [data["organisation"], data["year"], data["outlet"].name, data["copies"]]


def _link(value) -> str:
    """A link with the spaces a copy slips in removed (`?si =…`); the message shows it as typed."""
    link = normalise_link(sp.cell_text(value))
    try:
        return sp.parse_url(link)
    except sp.CellError:
        raise sp.CellError(_("«%(value)s» is not a web address") % {"value": sp.cell_text(value)}) from None


# --- Export -------------------------------------------------------------------------------


def _row(appearance: MediaAppearance) -> list:
    return [
        appearance.date.isoformat(),
        appearance.outlet.name,
        appearance.programme.name if appearance.programme else "",
        appearance.kind,
        appearance.title,
        "; ".join(s.name for s in appearance.speakers.all()),
        appearance.organisation.slug,
        appearance.language,
        appearance.duration_minutes if appearance.duration_minutes is not None else "",
        appearance.link,
        appearance.audience_estimate if appearance.audience_estimate is not None else "",
        appearance.audience_source,
    ]


def _subscription_row(subscription: NewspaperSubscription) -> list:
    return [subscription.organisation.slug, subscription.year, subscription.outlet.name, subscription.copies]


def export_csv(queryset) -> bytes:
    return sp.write_csv(COLUMNS, (_row(a) for a in queryset.order_by("date", "pk")))


def export_xlsx(queryset) -> bytes:
    return sp.write_xlsx({"appearances": (COLUMNS, (_row(a) for a in queryset.order_by("date", "pk")))})


def export_subscriptions_csv(queryset) -> bytes:
    return sp.write_csv(SUBSCRIPTION_COLUMNS, (_subscription_row(s) for s in queryset))


def export_subscriptions_xlsx(queryset) -> bytes:
    return sp.write_xlsx({"subscriptions": (SUBSCRIPTION_COLUMNS, (_subscription_row(s) for s in queryset))})
