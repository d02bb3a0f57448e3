from django import forms

from reports.choices import NarrativeSection


class NarrativeForm(forms.Form):
    """One textarea per paragraph of the report; an emptied one returns to the default wording."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in NarrativeSection:
            self.fields[section.value] = forms.CharField(
                label=section.label,
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
