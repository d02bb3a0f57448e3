from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from polls.models import Poll


class PollAdminForm(forms.ModelForm):
    class Meta:
        model = Poll
        fields = [
            "organisation",
            "slug",
            "title_ru",
            "title_kk",
            "intro_ru",
            "intro_kk",
            "audience",
            "audience_organisations",
            "access",
            "is_anonymous",
            "opens_at",
            "closes_at",
        ]

    def clean(self):
        data = super().clean()
        if "audience_organisations" in self.fields and data.get("organisation") and data.get("audience"):
            self.instance.organisation = data["organisation"]
            self.instance.audience = data["audience"]
            try:
                self.instance.clean_audience(data.get("audience_organisations") or [])
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class CloseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, close the poll now"), required=True)


class OutcomeForm(forms.Form):
    outcome_ru = forms.CharField(label=_("What was decided (Russian)"), widget=forms.Textarea, max_length=5000)
    outcome_kk = forms.CharField(label=_("What was decided (Kazakh)"), widget=forms.Textarea, max_length=5000, required=False)


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=1000, initial=30)
    unit = forms.ModelChoiceField(label=_("For the members of"), queryset=None, required=False)
    batch = forms.CharField(label=_("Batch"), max_length=100, required=False, help_text=_("E.g. “staff meeting, school No. 5, 12 March”."))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        from branches.models import Organisation

        self.fields["unit"].queryset = Organisation.objects.filter(pk__in=[u.pk for u in units])
