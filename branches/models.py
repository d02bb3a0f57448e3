"""The registry: the regional organisation, its branches, their primary organisations and
the social pages each of them runs."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from branches.choices import OrganisationKind, Platform, PrimaryKind


class Organisation(models.Model):
    """The regional organisation, a city or district branch, or a primary organisation."""

    BRANCH_SCOPE_FIELD = "pk"
    ROLE_PERMISSIONS = {"branch_editor": {"view", "change"}}

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Order in the directory and in Appendix 1 of the report.")
    )
    primary_kind = models.CharField(_("type of primary organisation"), max_length=20, choices=PrimaryKind.choices, blank=True)
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True)
    chair_name = models.CharField(_("chair"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.REGIONAL) | Q(parent__isnull=False),
                name="organisation_non_regional_has_parent",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the visitor's language where one was entered."""
        if self.name_kk and (get_language() or "").startswith("kk"):
            return self.name_kk
        return self.name_ru


class SocialPage(models.Model):
    """A page, profile, channel or site that an organisation runs on some platform."""

    BRANCH_SCOPE_FIELD = "organisation"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="social_pages", verbose_name=_("organisation")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("link"), max_length=500)
    handle = models.CharField(_("account"), max_length=200, blank=True)
    is_official = models.BooleanField(
        _("official page"), default=True, help_text=_("Off when a personal profile stands for the organisation.")
    )

    class Meta:
        ordering = ["organisation__position", "platform", "url"]
        verbose_name = _("social page")
        verbose_name_plural = _("social pages")
        indexes = [models.Index(fields=["platform", "handle"], name="socialpage_platform_handle")]

    def __str__(self):
        return f"{self.get_platform_display()}: {self.handle or self.url}"
