"""What the reports keep: each year's figures per organisation, as the rollup stored them,
and the narrative paragraphs staff wrote for the annual report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from branches.scoping import ScopedManager
from reports.choices import NarrativeSection, ReportLanguage


class YearlyFigure(models.Model):
    """One figure of one year for one branch (or the regional organisation).

    Written only by `reports.services.rollup_year`, which replaces a year's rows at once;
    the dashboard and the report read these rows and never the records themselves.
    """

    BRANCH_SCOPE_FIELD = "organisation"
    # Rollups are computed, never typed in: every role may only look at them.
    ROLE_PERMISSIONS = {"branch_editor": {"view"}, "regional_staff": {"view"}, "chair": {"view"}}

    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="yearly_figures",
        verbose_name=_("organisation"),
    )
    metric = models.CharField(_("metric"), max_length=64)
    dimension = models.CharField(_("dimension"), max_length=200, default="total")
    value = models.FloatField(_("value"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "organisation__position", "metric", "dimension"]
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "organisation", "metric", "dimension"], name="yearlyfigure_one_per_key", violation_error_message=_("This figure is already stored for this year.")
            ),
        ]
        indexes = [models.Index(fields=["year", "metric"], name="yearlyfigure_year_metric")]

    def __str__(self):
        return f"{self.year} {self.organisation_id} {self.metric}/{self.dimension} = {self.display_value}"

    @property
    def display_value(self):
        return int(self.value) if float(self.value).is_integer() else round(self.value, 1)


class Rollup(models.Model):
    """When a year's figures were last computed, and how many rows that gave.

    Its row also serves as the lock that keeps two rollups of one year from interleaving.
    """

    ROLE_PERMISSIONS = {"branch_editor": {"view"}, "regional_staff": {"view"}, "chair": {"view"}}

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    duration_ms = models.PositiveIntegerField(_("duration, ms"), default=0)
    skipped_sources = models.CharField(
        _("sources skipped"), max_length=500, blank=True, help_text=_("Parts that gave no figures yet.")
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rollup")
        verbose_name_plural = _("rollups")

    def __str__(self):
        return str(self.year)


class ReportNarrative(models.Model):
    """A paragraph of the annual report as staff edited it for one year and language.

    Without a row the report uses the wording of the organisation's own report
    (`reports.narrative.DEFAULTS`).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=2, choices=ReportLanguage.choices)
    section = models.CharField(_("section"), max_length=20, choices=NarrativeSection.choices)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["-year", "language", "section"]
        verbose_name = _("report paragraph")
        verbose_name_plural = _("report paragraphs")
        constraints = [
            models.UniqueConstraint(fields=["year", "language", "section"], name="reportnarrative_one_per_section", violation_error_message=_("This paragraph of the report is already written for this year and language.")),
        ]

    def __str__(self):
        return f"{self.year} {self.language} {self.section}"
