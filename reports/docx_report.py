"""The annual information report as a Word document, in Russian or Kazakh.

It follows the organisation's own report (`shared/domain/information-work-report.ru.txt`):
the narrative paragraphs (as staff edited them for the year, or the report's wording), with
the figures of the chosen year and the two before it put in from the rollups, the list of
TV, radio and YouTube appearances from the media log, and Appendix 1, the table of the
branches' pages. A branch editor gets the report of their own branch only.
"""

import io
import re

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.text.run import Run

from reports.choices import NarrativeSection as S
from reports.formatting import fmt
from reports.metrics import metric
from reports.selectors import (
    broadcast_appearances,
    compared_years,
    figure_book,
    narrative_texts,
    ranked_branches,
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


# Characters XML 1.0 cannot hold: python-docx refuses them with a ValueError, so one stray
# control character pasted into a paragraph or a programme's name would make the report a 500.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text) -> str:
    return _NOT_XML.sub("", str(text))


def build_report(*, user, year: int, language: str) -> bytes:
    with translation.override(language):
        return _Report(user=user, year=year, language=language).render()


class _Report:
    def __init__(self, *, user, year, language):
        self.user = user
        self.year = year
        self.language = language
        self.years = compared_years(year)
        self.book = figure_book(user=user, years=self.years)
        self.texts = narrative_texts(year=year, language=language)
        self.doc = Document()
        style = self.doc.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)
        for section in self.doc.sections:
            section.left_margin = Cm(2.5)
            section.right_margin = Cm(1.5)
        self.bullet_style_id = self.doc.styles["List Bullet"].style_id

    # --- Building blocks ---------------------------------------------------------------------

    def heading(self, text, level=2):
        self.doc.add_heading(text, level=level)

    def narrative(self, section):
        """A paragraph of the report; blank lines part paragraphs, "- " starts a list item."""
        for block in self.texts.get(section, "").split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            text_lines = []
            for line in lines:
                if line.startswith("- "):
                    if text_lines:
                        self._justified(" ".join(text_lines))
                        text_lines = []
                    self.bullet(line[2:])
                else:
                    text_lines.append(line)
            if text_lines:
                self._justified(" ".join(text_lines))

    def bullet(self, text):
        # Set the style by id: python-docx's lookup by name scans every style each time,
        # which made a report with a thousand appearances take seconds.
        paragraph = self.doc.add_paragraph(xml_text(text))
        paragraph._p.style = self.bullet_style_id
        return paragraph

    def _justified(self, text):
        paragraph = self.doc.add_paragraph(xml_text(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
        return paragraph

    def table(self, header, rows, *, caption=None):
        if caption:
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(caption).italic = True
        # All rows at once, filled through the XML: python-docx's add_row and cell lookups
        # cost a scan of the table each, which a list of a thousand appearances feels.
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = "Table Grid"
        for index, (tr, values) in enumerate(zip(table._tbl.tr_lst, [header, *rows], strict=True)):
            for tc, text in zip(tr.tc_lst, values, strict=True):
                run = Run(tc.p_lst[0].add_r(), table)
                run.text = xml_text(text)
                run.bold = index == 0 or None
        self.doc.add_paragraph()
        return table

    def by_year(self, metric_key, dimension="total"):
        return [self.book.total(metric_key, y, dimension) for y in self.years]

    def year_list(self, metric_key):
        """ "2022 – 76, 2023 – 120, 2024 – 103" for the years that have the figure."""
        parts = [
            _("%(year)s – %(value)s") % {"year": y, "value": fmt(v)}
            for y, v in zip(self.years, self.by_year(metric_key), strict=True)
            if v is not None
        ]
        return ", ".join(parts)

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
        self.table([_("Name"), *self.years], rows, caption=caption)

    # --- The report ------------------------------------------------------------------------------

    def render(self) -> bytes:
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
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def title(self):
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(_("INFORMATION"))
        run.bold = True
        run.font.size = Pt(14)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(
            _("on the organisation of information work in the Karaganda regional organisation of the Trade Union")
        ).bold = True
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(_("%(first)s–%(last)s") % {"first": self.years[0], "last": self.years[-1]})
        if len(self.book.organisations) == 1:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(xml_text(self.book.organisations[0].name)).italic = True

    def channels(self):
        self.heading(_("The channels of information work"))
        self.narrative(S.CHANNELS)
        self.year_table("publications", "channel", caption=_("Publications by channel"))

    def publications(self):
        self.heading(_("Publications"))
        self.narrative(S.PUBLICATIONS)
        listed = self.year_list("publications")
        if listed:
            self._justified(_("Materials published in %(list)s.") % {"list": listed})
        rows = []
        for key in SUMMARY_METRICS:
            values = self.by_year(key)
            if key in ("publications", "press_republican", "appeals") or any(v is not None for v in values):
                rows.append([str(metric(key).label), *(fmt(v) for v in values)])
        self.table([_("Indicator"), *self.years], rows, caption=_("Table 1. The figures of information work"))
        if len(self.book.organisations) > 1:
            keys = ["publications", "press_republican", "media_appearances", "appeals", "outreach_visits"]
            rows = [
                [str(rank), org.name, *(fmt(self.book.value(org.pk, k, self.year)) for k in keys), fmt(activity)]
                for rank, org, activity in ranked_branches(self.book, self.year)
            ]
            self.table(
                ["№", _("Organisation"), *(str(metric(k).label) for k in keys), _("Activity")],
                rows,
                caption=_("Table 2. The branches in %(year)s, by activity") % {"year": self.year},
            )

    def followers(self):
        self.heading(_("Followers"))
        self.narrative(S.FOLLOWERS)
        gained = self.book.total("followers_gained", self.year)
        if gained:
            self._justified(
                _("In %(year)s the pages gained %(value)s followers.") % {"year": self.year, "value": fmt(gained)}
            )
        self.year_table("followers_gained", "platform", caption=_("Followers gained by platform"))

    def appeals(self):
        self.heading(_("Feedback and appeals"))
        self.narrative(S.FEEDBACK)
        for year, value in zip(self.years, self.by_year("appeals"), strict=True):
            if value:
                self._justified(
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
                    self._justified(f"{metric(key).label}: {fmt(value, unit=metric(key).unit)}")
        self.year_table("appeals", "channel", caption=_("Appeals by channel"))
        self.year_table("appeals", "topic", caption=_("Appeals by topic"))

    def giveaways(self):
        self.heading(_("The Friday giveaways"))
        self.narrative(S.GIVEAWAYS)
        held = self.book.total("giveaways", self.year)
        if held:
            self._justified(
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
            self._justified(_("Publications in republican papers: %(list)s.") % {"list": listed})
        self.year_table("media_appearances", "level", caption=_("Media appearances by outlet level"))

    def media(self):
        self.heading(_("TV, radio and YouTube"))
        self.narrative(S.MEDIA)
        appearances = broadcast_appearances(user=self.user, years=self.years)
        for appearance in appearances:
            self.bullet(self.appearance_line(appearance))
        if appearances:
            rows = [
                [
                    date_format(a.date, "d.m.Y"),
                    a.outlet.name,
                    a.programme.name if a.programme_id else "—",
                    ", ".join(s.name for s in a.speakers.all()) or "—",
                    a.title,
                    a.link or "—",
                ]
                for a in appearances
            ]
            self.table(
                [_("Date"), _("Outlet"), _("Programme"), _("Speakers"), _("Topic"), _("Link")],
                rows,
                caption=_("TV, radio and YouTube appearances"),
            )

    def appearance_line(self, appearance) -> str:
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
        if appearance.link:
            parts.append(appearance.link)
        return "; ".join(parts)

    def printed(self):
        self.heading(_("Printed matter"))
        self.narrative(S.PRINTED)
        rows = []
        for channel in PRINTED_CHANNELS:
            values = self.by_year("publications", f"channel:{channel}")
            if any(values):
                rows.append([self.book.dimension_label("publications", "channel", channel), *(fmt(v) for v in values)])
        if rows:
            self.table([_("Name"), *self.years], rows, caption=_("Printed matter and stands"))

    def outreach(self):
        self.heading(_("Outreach visits"))
        self.narrative(S.OUTREACH)
        listed = self.year_list("outreach_visits")
        if listed:
            self._justified(_("Visits to primary organisations: %(list)s.") % {"list": listed})

    def tasks(self):
        self.heading(_("The tasks ahead"))
        self.narrative(S.TASKS)
        self.narrative(S.CLOSING)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(SIGNATURE).bold = True

    def appendix(self):
        self.doc.add_page_break()
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(_("Appendix 1")).bold = True
        self.heading(_("Pages of the regional organisation and its branches in social networks"), level=2)
        rows = []
        for number, (org, pages) in enumerate(
            social_pages_by_organisation(user=self.user, organisations=self.book.organisations), 1
        ):
            instagram = "\n".join(p.url for p in pages if p.platform == "instagram") or "—"
            facebook = "\n".join(p.url for p in pages if p.platform == "facebook") or "—"
            others = "\n".join(p.url for p in pages if p.platform not in ("instagram", "facebook")) or "—"
            rows.append([f"{number}.", org.name, instagram, facebook, others])
        self.table(["№", _("Organisation"), "Instagram", "Facebook", _("Other pages")], rows)
