"""The union in the media: outlets, their programmes, the union's speakers, each appearance
in the press, on TV, radio or online, and the newspaper subscriptions of each organisation."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from branches.linkcheck import LinkCheckFields
from branches.scoping import ScopedManager
from media_reports.choices import (
    BROADCAST_KINDS,
    PRINT_KINDS,
    AppearanceKind,
    IncomingVideoStatus,
    Language,
    OutletKind,
    OutletLevel,
)
from media_reports.validators import validate_clipping
from media_reports.video import parse_video
from unionportal.models import CachedChoiceLabels
from unionportal.validators import validate_sane_date, validate_single_line


class Outlet(CachedChoiceLabels, models.Model):
    """A newspaper, magazine, channel, radio, site or partner page; its name is kept as entered."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OutletKind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=20, choices=OutletLevel.choices, db_index=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    youtube_channel_id = models.CharField(
        _("YouTube channel id"),
        max_length=40,
        blank=True,
        help_text=_("UC… from the channel's address; its feed is read daily for videos about the union."),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self):
        return self.name


class Programme(models.Model):
    """A programme or rubric of an outlet, such as «Вадут» or «Приоритеты»."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("outlet"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["outlet__name", "name"]
        verbose_name = _("programme or rubric")
        verbose_name_plural = _("programmes and rubrics")
        constraints = [
            models.UniqueConstraint(fields=["outlet", "name"], name="programme_unique_name_per_outlet", violation_error_message=_("This outlet already has a programme with this name.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.outlet.name})"


class Speaker(models.Model):
    """A person of the union who speaks in the media: the chair, a branch chair, a specialist."""

    BRANCH_SCOPE_FIELD = "organisation"

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("post"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "branches.Organisation", on_delete=models.PROTECT, related_name="media_speakers", verbose_name=_("organisation")
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="speaker_unique_name_per_organisation", violation_error_message=_("This organisation already has a speaker with this name.")),
        ]

    def __str__(self):
        return self.name


class MediaAppearance(CachedChoiceLabels, LinkCheckFields):
    """One appearance of the union in the media: an article, an interview, a broadcast, a video.

    Its link is checked weekly by the registry's link checker (`branches.tasks.check_all_links`
    finds every LinkCheckFields model); the admin list flags dead links.
    """

    BRANCH_SCOPE_FIELD = "organisation"
    LINK_CHECK_URL_FIELD = "link"

    date = models.DateField(_("date"), validators=[validate_sane_date])
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="appearances", verbose_name=_("outlet"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appearances",
        verbose_name=_("programme or rubric"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AppearanceKind.choices, db_index=True)
    title = models.CharField(_("title or topic"), max_length=300, validators=[validate_single_line])
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="appearances", verbose_name=_("speakers"))
    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="media_appearances",
        verbose_name=_("organisation"),
        help_text=_("The organisation this appearance counts for in the report."),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.RUSSIAN)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), null=True, blank=True, help_text=_("For broadcasts and videos.")
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    clipping = models.FileField(
        _("clipping"),
        upload_to="media_reports/clippings/%Y/",
        blank=True,
        validators=[validate_clipping],
        help_text=_("A scan or photo of the printed article: PDF, JPEG, PNG or WebP."),
    )
    audience_estimate = models.PositiveIntegerField(_("audience estimate"), null=True, blank=True)
    audience_source = models.CharField(
        _("source of the estimate"),
        max_length=300,
        blank=True,
        help_text=_("Where the audience figure comes from, e.g. the paper's print run or the video's views."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("media appearance")
        verbose_name_plural = _("media appearances")
        constraints = [
            models.UniqueConstraint(fields=["outlet", "date", "title"], name="mediaappearance_unique_outlet_date_title", violation_error_message=_("This appearance is already recorded: the same outlet, date and title.")),
            # A figure nobody can trace is worse than none in the report.
            models.CheckConstraint(
                condition=Q(audience_estimate__isnull=True) | ~Q(audience_source=""),
                name="mediaappearance_audience_has_source", violation_error_message=_("Say where the audience figure comes from."),
            ),
        ]
        indexes = [
            models.Index(fields=["date", "kind"], name="mediaappearance_date_kind"),
            models.Index(fields=["organisation", "date"], name="mediaappearance_org_date"),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.outlet.name}: {self.title}"

    @cached_property
    def video(self):
        """What the click-to-play poster needs, or None when the link is no video."""
        return parse_video(self.link)

    def clean(self):
        errors = {}
        if self.programme_id and self.outlet_id and self.programme.outlet_id != self.outlet_id:
            errors["programme"] = _("This programme belongs to another outlet.")
        if self.duration_minutes and self.kind not in BROADCAST_KINDS:
            errors["duration_minutes"] = _("Only broadcasts, interviews and videos have a duration.")
        if self.audience_estimate is not None and not self.audience_source.strip():
            errors["audience_source"] = _("Say where the audience estimate comes from.")
        if errors:
            raise ValidationError(errors)


class NewspaperSubscription(models.Model):
    """Copies of a paper an organisation subscribed to for a year."""

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        "branches.Organisation",
        on_delete=models.PROTECT,
        related_name="newspaper_subscriptions",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("newspaper or magazine")
    )
    copies = models.PositiveIntegerField(_("copies"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-year", "organisation__position", "outlet__name"]
        verbose_name = _("newspaper subscription")
        verbose_name_plural = _("newspaper subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "outlet"], name="newspapersubscription_unique_org_year_outlet", violation_error_message=_("This organisation's subscription to this outlet for this year is already recorded.")
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="newspapersubscription_copies_positive", violation_error_message=_("A subscription has at least one copy.")),
        ]

    def __str__(self):
        return f"{self.year}: {self.outlet.name} × {self.copies}"

    def clean(self):
        if self.outlet_id and self.outlet.kind not in PRINT_KINDS:
            raise ValidationError({"outlet": _("Only newspapers and magazines can be subscribed to.")})


class IncomingVideo(models.Model):
    """A video of an outlet's YouTube channel that mentions the union, waiting for review;
    accepting it records a MediaAppearance. One row per video, so it is offered once."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="incoming_videos", verbose_name=_("outlet"))
    video_id = models.CharField(_("video id"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), max_length=200)
    published_at = models.DateTimeField(_("published"))
    status = models.CharField(
        _("status"), max_length=20, choices=IncomingVideoStatus.choices, default=IncomingVideoStatus.PENDING,
        db_index=True,
    )
    appearance = models.ForeignKey(
        MediaAppearance, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("media appearance"),
    )
    created_at = models.DateTimeField(_("came in"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("video to review")
        verbose_name_plural = _("videos to review")

    def __str__(self):
        return self.title
