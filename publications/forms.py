"""Forms of the publications log: the public filters, quick entry, the month screen, images."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_regional
from branches.choices import OrganisationKind
from branches.models import Organisation, SocialPage
from branches.scoping import visible_organisation_ids
from publications.choices import Channel
from publications.models import Publication, PublicationImage, Rubric, Topic
from publications.selectors import ALMATY, find_by_url
from publications.services import (
    duplicate_message,
    normalise_url,
    publication_add_image,
    publication_check_page,
    publication_image_update,
)
from unionportal.uploads import validate_image_upload


class NewsFilterForm(forms.Form):
    """The filters of /news/; unknown values are ignored rather than an error page."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        # An option needs a name and a slug; the rest of the row (contacts, member counts)
        # would be read for nothing on every fresh render of /news/.
        queryset=Organisation.objects.filter(kind__in=[OrganisationKind.REGIONAL, OrganisationKind.BRANCH]).only(
            "slug", "name_ru", "name_kk"
        ),
        required=False,
        to_field_name="slug",
        empty_label=_("All organisations"),
    )
    rubric = forms.ModelChoiceField(
        label=_("Rubric"),
        queryset=Rubric.objects.filter(is_active=True).only("slug", "name", "name_kk"),
        required=False,
        to_field_name="slug",
        empty_label=_("All rubrics"),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]

    def filters(self) -> dict:
        """The valid filters only: a bad value in the address drops that filter alone."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("organisation", "rubric", "channel", "year") if data.get(name)}


class QuickEntryUrlForm(forms.Form):
    url = forms.CharField(
        label=_("Link to the post"),
        max_length=1000,
        help_text=_("Paste the address of the post; the page and organisation are recognised from the registry."),
        widget=forms.URLInput(attrs={"autofocus": True, "placeholder": "https://www.facebook.com/…"}),
    )


def _organisation_choices(user):
    qs = Organisation.objects.all()
    if not is_regional(user):
        qs = qs.filter(pk__in=visible_organisation_ids(user))
    return qs


class PublicationForm(forms.ModelForm):
    """One publication, as staff enter or confirm it. The organisations and pages offered
    are those the user may write for."""

    class Meta:
        model = Publication
        fields = [
            "published_at",
            "title",
            "text",
            "channel",
            "organisation",
            "social_page",
            "rubric",
            "topics",
            "language",
            "url",
            "views",
            "likes",
            "comments",
            "shares",
        ]
        widgets = {
            "published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "topics": forms.CheckboxSelectMultiple,
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].queryset = _organisation_choices(user)
        pages = SocialPage.objects.select_related("organisation")
        self.fields["social_page"].queryset = pages if is_regional(user) else pages.for_user(user)
        self.fields["rubric"].queryset = Rubric.objects.filter(is_active=True)
        self.fields["topics"].queryset = Topic.objects.all()

    def clean_url(self):
        url = normalise_url(self.cleaned_data.get("url") or "")
        if url:
            existing = find_by_url(url, exclude=self.instance)
            if existing is not None:
                raise forms.ValidationError(duplicate_message(existing), code="duplicate_url")
        return url

    def clean(self):
        data = super().clean()
        publication_check_page(social_page=data.get("social_page"), organisation=data.get("organisation"))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["topics"] = list(data.get("topics") or [])
        return data


class MonthRowForm(forms.Form):
    """One row of the month screen: the fields a post needs at the least."""

    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    title = forms.CharField(label=_("Title"), max_length=300)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=Rubric.objects.none(), required=False)
    url = forms.CharField(label=_("Link"), max_length=1000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisation_choices(user)
        self.fields["rubric"].queryset = Rubric.objects.filter(is_active=True)


class BaseMonthFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, year: int, month: int, **kwargs):
        self.user, self.year, self.month = user, year, month
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user}

    def clean(self):
        for form in self.forms:
            day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
            if day:
                try:
                    dt.date(self.year, self.month, day)
                except ValueError:
                    form.add_error("day", _("This month has no such day."))

    def rows(self) -> list[dict]:
        """Filled rows as service arguments, in the order they were typed."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("title"):
                continue
            when = dt.datetime(self.year, self.month, data["day"], 12, 0, tzinfo=ALMATY)
            rows.append(
                {
                    "published_at": when,
                    "title": data["title"],
                    "channel": data["channel"],
                    "organisation": data["organisation"],
                    "rubric": data.get("rubric"),
                    "url": data.get("url") or "",
                }
            )
        return rows


MonthFormSet = forms.formset_factory(MonthRowForm, formset=BaseMonthFormSet, extra=10, max_num=60)


class PublicationImageForm(forms.ModelForm):
    """An image row in the admin. The file is checked by content here, so a refused file is
    an error on its row; the row is stored by the service that stores every image
    (`publication_add_image` / `publication_image_update`: re-encoded, with a thumbnail)."""

    class Meta:
        model = PublicationImage
        fields = ["image", "caption", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_upload = None

    def clean_image(self):
        value = self.cleaned_data.get("image")
        if isinstance(value, UploadedFile):
            self.clean_upload = validate_image_upload(value)
            return self.clean_upload.file
        return value

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        data = self.cleaned_data
        if self.instance.pk is None:
            # The inline formset has set the row's publication (saved just before).
            return publication_add_image(
                publication=self.instance.publication,
                file=self.clean_upload,
                caption=data.get("caption") or "",
                position=data.get("position") or 0,
            )
        return publication_image_update(
            image=self.instance, caption=data.get("caption") or "", position=data.get("position") or 0, file=self.clean_upload
        )
