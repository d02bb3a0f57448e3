"""Forms of the media part: the public filters, the import upload and the admin's appearance form."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from media_reports.choices import AppearanceKind, OutletLevel
from media_reports.models import MediaAppearance
from media_reports.validators import clean_clipping


class AppearanceFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]
        self.fields["kind"].choices = [("", _("All kinds")), *AppearanceKind.choices]
        self.fields["level"].choices = [("", _("All levels")), *OutletLevel.choices]

    def filters(self) -> dict:
        """The valid filters; a forged or stale value is ignored rather than an error page."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class MediaAppearanceAdminForm(forms.ModelForm):
    """Re-encodes an uploaded image clipping before it is stored, so no EXIF reaches the disk,
    and takes a pasted link with stray spaces in it."""

    link = forms.CharField(label=_("link"), max_length=500, required=False)

    class Meta:
        model = MediaAppearance
        fields = [
            "date",
            "outlet",
            "programme",
            "kind",
            "title",
            "speakers",
            "organisation",
            "language",
            "duration_minutes",
            "link",
            "clipping",
            "audience_estimate",
            "audience_source",
        ]

    def clean_clipping(self):
        clipping = self.cleaned_data.get("clipping")
        if clipping and hasattr(clipping, "content_type"):
            return clean_clipping(clipping)
        return clipping

    def clean_link(self):
        from media_reports.services import normalise_link

        link = normalise_link(self.cleaned_data.get("link", ""))
        if link:
            URLValidator()(link)
        return link
