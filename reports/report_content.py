"""The annual information report's content, once, for both files it is written to.

It follows the organisation's own report (`shared/domain/information-work-report.ru.txt`):
the title block, the narrative paragraphs (as staff edited them for the year, or the
report's wording) with the figures of the chosen year and the two before it put in from the
rollups, the tables, the list of TV, radio and YouTube appearances from the media log, the
signature, and Appendix 1, the table of the branches' pages. A branch editor gets the
report of their own branch only.

`report_blocks()` returns a list of plain blocks (headings, paragraphs, tables, a page
break); `reports.docx_report` writes them as Word and `reports.pdf_report` as PDF, so the
two files cannot differ in a figure.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.choices import LinkKind
from reports.choices import NarrativeSection as S
from reports.formatting import fmt
from reports.metrics import metric
from reports.ranking import regional_and_branches
from reports.selectors import (
    broadcast_appearances,
    compared_years,
    figure_book,
    narrative_texts,
    social_pages_by_organisation,
)

SIGNATURE = "Кәсіподақтың Қарағанды облыстық ұйымы"
PRINTED_CHANNELS = (
    "memo",
    "brochure",
    "leaflet",
    "poster",
    "booklet",
    "bulletin",
    "express_info",
    "methodical",
    "stand",
)
SUMMARY_METRICS = [
    "publications",
    "press_republican",
    "media_appearances",
    "appeals",
    "giveaways",
    "giveaway_entries",
    "giveaway_winners",
    "polls",
    "poll_answers",
    "followers_gained",
    "outreach_visits",
    "subscriptions_copies",
]
# A table with more columns than this goes on a landscape page.
PORTRAIT_COLUMNS = 6

# Characters XML 1.0 cannot hold: python-docx refuses them with a ValueError, so one stray
# control character pasted into a paragraph or a programme's name would make the report a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text) -> str:
    return _NOT_XML.sub("", str(text))


# --- The blocks ------------------------------------------------------------------------------


@dataclass
class Link:
    """A link shown short (an account's name) with the full address behind it."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Paragraph:
    # "body" (justified, first-line indent), "bullet", "title", "subtitle", "centered",
    # "caption", "signature", "appendix-mark".
    kind: str
    parts: list  # of str and Link

    @property
    def text(self) -> str:
        return "".join(str(p) for p in self.parts)


@dataclass
class Heading:
    text: str


@dataclass
class PageBreak:
    pass


@dataclass
class Table:
    header: list[str]
    # Each cell is a list of lines, each line a str or a Link.
    rows: list[list[list]]
    caption: str = ""
    numeric: set[int] = field(default_factory=set)  # the columns of figures (centred, narrow)

    @property
    def is_wide(self) -> bool:
        return len(self.header) > PORTRAIT_COLUMNS


def _cell(value) -> list:
    if isinstance(value, list):
        return [xml_text(v) if isinstance(v, str) else Link(xml_text(v.text), v.url) for v in value] or ["—"]
    if isinstance(value, Link):
        return [Link(xml_text(value.text), value.url)]
    return [xml_text(value)]


def page_label(page) -> str:
    """How the report names a social page: the account, not the link (which is behind it)."""
    handle = (page.handle or "").strip().lstrip("@")
    if handle:
        if handle.isdigit():
            return f"id {handle}"
        return handle if page.platform == "facebook" else f"@{handle}"
    try:
        return str(LinkKind(page.kind).label)
    except ValueError:
        return urlsplit(page.url).netloc or page.url


def link_label(url: str) -> str:
    """A link of the media log, short: "youtu.be/q7xQNHFiueU", "facebook.com/share/…"."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.").removeprefix("m.")
    path = parts.path.rstrip("/")
    if host in ("youtube.com",) and path == "/watch":
        video = parse_qs(parts.query).get("v", [""])[0]
        return f"youtu.be/{video}" if video else host
    if len(path) > 16:
        path = "/…"
    return f"{host}{path}" if host else url


def build_blocks(*, user, year: int, language: str) -> list:
    with translation.override(language):
        return _Report(user=user, year=year, language=language).blocks()


class _Report:
    def __init__(self, *, user, year, language):
        self.user = user
        self.year = year
        self.language = language
        self.years = compared_years(year)
        self.book = figure_book(user=user, years=self.years)
        self.texts = narrative_texts(year=year, language=language)
        self.out: list = []

    # --- Building blocks ---------------------------------------------------------------------

    def heading(self, text):
        self.out.append(Heading(xml_text(text)))

    def paragraph(self, kind, *parts):
        self.out.append(Paragraph(kind, [xml_text(p) if isinstance(p, str) else p for p in parts]))

    def narrative(self, section):
        """A paragraph of the report; blank lines part paragraphs, "- " starts a list item."""
        for block in self.texts.get(section, "").split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            text_lines = []
            for line in lines:
                if line.startswith("- "):
                    if text_lines:
                        self.paragraph("body", " ".join(text_lines))
                        text_lines = []
                    self.paragraph("bullet", line[2:])
                else:
                    text_lines.append(line)
            if text_lines:
                self.paragraph("body", " ".join(text_lines))

    def body(self, text):
        self.paragraph("body", text)

    def table(self, header, rows, *, caption="", numeric=()):
        self.out.append(
            Table(
                header=[xml_text(h) for h in header],
                rows=[[_cell(v) for v in row] for row in rows],
                caption=xml_text(caption),
                numeric=set(numeric),
            )
        )

    def by_year(self, metric_key, dimension="total"):
        return [self.book.total(metric_key, y, dimension) for y in self.years]

    def listed(self, values) -> str:
        """ "2022 – 76, 2023 – 120, 2024 – 103" for the years that have a figure."""
        parts = [
            _("%(year)s – %(value)s") % {"year": y, "value": fmt(v)}
            for y, v in zip(self.years, values, strict=True)
            if v is not None
        ]
        return ", ".join(parts)

    def year_list(self, metric_key, dimension="total"):
        return self.listed(self.by_year(metric_key, dimension))

    def year_columns(self):
        return range(1, len(self.years) + 1)

    def year_table(self, metric_key, facet, *, caption):
        values = self.book.facet_values(metric_key, facet)
        if not values:
            return
        rows = []
        for value in values:
            dimension = f"{facet}:{value}"
            rows.append(
                [
                    self.book.dimension_label(metric_key, facet, value),
                    *(fmt(v) for v in self.by_year(metric_key, dimension)),
                ]
            )
        rows.sort(key=lambda r: r[0])
        self.table([_("Name"), *map(str, self.years)], rows, caption=caption, numeric=self.year_columns())

    # --- The report ------------------------------------------------------------------------------

    def blocks(self) -> list:
        self.title()
        self.narrative(S.INTRO)
        self.channels()
        self.publications()
        self.followers()
        self.appeals()
        self.giveaways()
        self.rubrics()
        self.press()
        self.media()
        self.printed()
        self.outreach()
        self.tasks()
        self.appendix()
        return self.out

    def title(self):
        self.paragraph("title", _("INFORMATION"))
        self.paragraph(
            "subtitle",
            _("on the organisation of information work in the Karaganda regional organisation of the Trade Union"),
        )
        self.paragraph("centered", _("%(first)s–%(last)s") % {"first": self.years[0], "last": self.years[-1]})
        if len(self.book.organisations) == 1:
            self.paragraph("centered", self.book.organisations[0].name)

    def channels(self):
        self.heading(_("The channels of information work"))
        self.narrative(S.CHANNELS)
        self.year_table("publications", "channel", caption=_("Publications by channel"))

    def publications(self):
        self.heading(_("Publications"))
        self.narrative(S.PUBLICATIONS)
        listed = self.year_list("publications")
        if listed:
            self.body(_("Materials published in %(list)s.") % {"list": listed})
        rows = []
        for key in SUMMARY_METRICS:
            values = self.by_year(key)
            if key in ("publications", "press_republican", "appeals") or any(v is not None for v in values):
                rows.append([str(metric(key).label), *(fmt(v) for v in values)])
        self.table(
            [_("Indicator"), *map(str, self.years)],
            rows,
            caption=_("Table 1. The figures of information work"),
            numeric=self.year_columns(),
        )
        if len(self.book.organisations) > 1:
            keys = ["publications", "press_republican", "media_appearances", "appeals", "outreach_visits"]
            regional, ranked = regional_and_branches(self.book, self.year)

            def row(number, org, activity):
                return [number, org.name, *(fmt(self.book.value(org.pk, k, self.year)) for k in keys), fmt(activity)]

            rows = [row("—", *regional)] if regional else []
            rows += [row(f"{rank}." if rank else "—", org, activity) for rank, org, activity in ranked]
            self.table(
                ["№", _("Organisation"), *(str(metric(k).label) for k in keys), _("Activity")],
                rows,
                caption=_("Table 2. The branches in %(year)s, by activity") % {"year": self.year},
                numeric={0, *range(2, len(keys) + 3)},
            )
            self.body(
                _(
                    "Activity is the sum of a branch's publications, media appearances, appeals handled, "
                    "outreach visits and giveaways in %(year)s. The regional organisation's own figures stand "
                    "in the first row, outside the ranking of the branches."
                )
                % {"year": self.year}
            )

    def followers(self):
        self.heading(_("Followers"))
        self.narrative(S.FOLLOWERS)
        gained = self.book.total("followers_gained", self.year)
        if gained:
            self.body(_("In %(year)s the pages gained %(value)s followers.") % {"year": self.year, "value": fmt(gained)})
        self.year_table("followers_gained", "platform", caption=_("Followers gained by platform"))

    def appeals(self):
        self.heading(_("Feedback and appeals"))
        self.narrative(S.FEEDBACK)
        for year, value in zip(self.years, self.by_year("appeals"), strict=True):
            if value:
                self.body(
                    _(
                        "In %(year)s the staff of the regional organisation and its branches handled %(value)s "
                        "questions, messages and appeals, WhatsApp included."
                    )
                    % {"year": year, "value": fmt(value)}
                )
        if len(self.book.organisations) == 1:
            org = self.book.organisations[0]
            for key in ("appeals_median_hours", "appeals_satisfaction_pct"):
                value = self.book.value(org.pk, key, self.year)
                if value is not None:
                    self.body(f"{metric(key).label}: {fmt(value, unit=metric(key).unit)}")
        self.year_table("appeals", "channel", caption=_("Appeals by channel"))
        self.year_table("appeals", "topic", caption=_("Appeals by topic"))

    def giveaways(self):
        self.heading(_("The Friday giveaways"))
        self.narrative(S.GIVEAWAYS)
        held = self.book.total("giveaways", self.year)
        if held:
            self.body(
                _("In %(year)s %(held)s giveaways were held, with %(entries)s entries and %(winners)s winners.")
                % {
                    "year": self.year,
                    "held": fmt(held),
                    "entries": fmt(self.book.total("giveaway_entries", self.year) or 0),
                    "winners": fmt(self.book.total("giveaway_winners", self.year) or 0),
                }
            )

    def rubrics(self):
        self.heading(_("Rubrics"))
        self.narrative(S.RUBRICS)
        self.year_table("publications", "rubric", caption=_("Publications by rubric"))

    def press(self):
        self.heading(_("Publications in republican and regional papers"))
        self.narrative(S.PRESS)
        listed = self.year_list("press_republican")
        if listed:
            self.body(_("Publications in republican papers: %(list)s.") % {"list": listed})
        self.explain_republican_level()
        self.year_table("media_appearances", "level", caption=_("Media appearances by outlet level"))

    def explain_republican_level(self):
        """The level table's "republican" counts every appearance in a republican outlet, the
        papers' figure only the articles in papers: where they differ, say by how much and why."""
        level = self.by_year("media_appearances", "level:republican")
        papers = self.by_year("press_republican")
        difference = [
            (lv or 0) - (pp or 0) if (lv or 0) != (pp or 0) else None for lv, pp in zip(level, papers, strict=True)
        ]
        if all(d is None for d in difference):
            return
        self.body(
            _(
                "The republican level in the table of media appearances by outlet level (%(level)s) counts every "
                "appearance in a republican outlet: besides the articles in republican papers, the programmes "
                "and videos of republican TV, radio and YouTube channels (%(difference)s)."
            )
            % {"level": self.listed(level), "difference": self.listed(difference)}
        )

    def media(self):
        self.heading(_("TV, radio and YouTube"))
        self.narrative(S.MEDIA)
        appearances = broadcast_appearances(user=self.user, years=self.years)
        for appearance in appearances:
            self.appearance_line(appearance)
        if appearances:
            rows = [
                [
                    date_format(a.date, "d.m.Y"),
                    a.outlet.name,
                    a.programme.name if a.programme_id else "—",
                    ", ".join(s.name for s in a.speakers.all()) or "—",
                    a.title,
                    Link(link_label(a.link), a.link) if a.link else "—",
                ]
                for a in appearances
            ]
            self.table(
                [_("Date"), _("Outlet"), _("Programme"), _("Speakers"), _("Topic"), _("Link")],
                rows,
                caption=_("TV, radio and YouTube appearances"),
                numeric={0},
            )

    def appearance_line(self, appearance):
        when = date_format(appearance.date, "j E Y")
        if self.language == "kk":
            when = when.lower()  # Kazakh writes month names in lower case: «18 сәуір 2023 ж.»
        parts = [_("%(date)s, «%(outlet)s»") % {"date": when, "outlet": appearance.outlet.name}]
        if appearance.programme_id:
            parts.append(_("programme «%(programme)s»") % {"programme": appearance.programme.name})
        speakers = ", ".join(s.name for s in appearance.speakers.all())
        if speakers:
            parts.append(speakers)
        parts.append(f"«{appearance.title}»")
        text = "; ".join(parts)
        if appearance.link:
            self.paragraph("bullet", text + "; ", Link(link_label(appearance.link), appearance.link))
        else:
            self.paragraph("bullet", text)

    def printed(self):
        self.heading(_("Printed matter"))
        self.narrative(S.PRINTED)
        rows = []
        for channel in PRINTED_CHANNELS:
            values = self.by_year("publications", f"channel:{channel}")
            if any(values):
                rows.append([self.book.dimension_label("publications", "channel", channel), *(fmt(v) for v in values)])
        if rows:
            self.table(
                [_("Name"), *map(str, self.years)], rows, caption=_("Printed matter and stands"), numeric=self.year_columns()
            )

    def outreach(self):
        self.heading(_("Outreach visits"))
        self.narrative(S.OUTREACH)
        listed = self.year_list("outreach_visits")
        if listed:
            self.body(_("Visits to primary organisations: %(list)s.") % {"list": listed})

    def tasks(self):
        self.heading(_("The tasks ahead"))
        self.narrative(S.TASKS)
        self.narrative(S.CLOSING)
        self.paragraph("signature", SIGNATURE)

    def appendix(self):
        self.out.append(PageBreak())
        self.paragraph("appendix-mark", _("Appendix 1"))
        self.heading(_("Pages of the regional organisation and its branches in social networks"))
        rows = []
        for number, (org, pages) in enumerate(
            social_pages_by_organisation(user=self.user, organisations=self.book.organisations), 1
        ):

            def links(chosen, *, named=False):
                # In "other pages" the platform is said too: "YouTube: @channel".
                return [
                    Link(f"{p.get_platform_display()}: {page_label(p)}" if named else page_label(p), p.url)
                    for p in chosen
                ] or ["—"]

            rows.append(
                [
                    f"{number}.",
                    org.name,
                    links([p for p in pages if p.platform == "instagram"]),
                    links([p for p in pages if p.platform == "facebook"]),
                    links([p for p in pages if p.platform not in ("instagram", "facebook")], named=True),
                ]
            )
        self.table(["№", _("Organisation"), "Instagram", "Facebook", _("Other pages")], rows, numeric={0})
