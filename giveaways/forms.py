from django import forms
from django.utils.translation import gettext_lazy as _

from giveaways.models import Giveaway
from giveaways.services import FRIDAY, local_date
from unionportal import spreadsheets

MAX_COMMENTS_FILE_BYTES = 5 * 1024 * 1024


class GiveawayAdminForm(forms.ModelForm):
    class Meta:
        model = Giveaway
        fields = [
            "organisation",
            "social_page",
            "title",
            "title_kk",
            "prizes",
            "prizes_kk",
            "winner_count",
            "rules",
            "rules_kk",
            "post_url",
            "entries_close_at",
            "draw_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker names each page by its organisation (SocialPage.__str__): one query.
        if "social_page" in self.fields:
            self.fields["social_page"].queryset = self.fields["social_page"].queryset.select_related("organisation")

    def clean(self):
        data = super().clean()
        draw_at, close_at = data.get("draw_at"), data.get("entries_close_at")
        if draw_at and local_date(draw_at).weekday() != FRIDAY:
            self.add_error("draw_at", _("Giveaways are drawn on Fridays: choose a Friday for the draw."))
        if draw_at and close_at and close_at > draw_at:
            self.add_error("entries_close_at", _("Entries must close before the draw."))
        organisation = data.get("organisation")
        if draw_at and organisation:
            clash = Giveaway.objects.filter(organisation=organisation, draw_date=local_date(draw_at))
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("draw_at", _("There is already a giveaway on this Friday."))
        page = data.get("social_page")
        if page and organisation and page.organisation_id != organisation.pk:
            self.add_error("social_page", _("Choose a page of the same organisation."))
        return data


class CommentsImportForm(forms.Form):
    text = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Paste the comments as copied from Instagram, or a CSV with author and text columns."),
    )
    file = forms.FileField(label=_("or a file"), required=False, help_text=_("A .txt, .csv or .xlsx file (UTF-8, UTF-16 or Windows-1251)."))

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_COMMENTS_FILE_BYTES:
                raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
            try:
                # UTF-8, UTF-16 or Windows-1251 told by content; an XLSX export read as CSV.
                data["text"] = spreadsheets.file_text(upload.read())
            except spreadsheets.SpreadsheetError as exc:
                raise forms.ValidationError(exc.message) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the comments or choose a file."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class RedrawForm(ReasonForm):
    winner = forms.ModelChoiceField(label=_("Winner to replace"), queryset=None)

    def __init__(self, *args, giveaway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winner"].queryset = giveaway.winners.filter(replaced=False)
        self.order_fields(["winner", "reason"])


class FollowersImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    text = forms.CharField(
        label=_("Followers"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("One Instagram handle per line, as exported from the page's follower list."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
