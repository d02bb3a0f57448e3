from django import forms

from reports.choices import NarrativeSection


class NarrativeForm(forms.Form):
    """One textarea per paragraph of the report; an emptied one returns to the default wording."""

    def __init__(self, *args, language: str = "ru", **kwargs):
        super().__init__(*args, **kwargs)
        for section in NarrativeSection:
            self.fields[section.value] = forms.CharField(
                label=section.label,
                required=False,
                max_length=20000,
                # The text is in the report's language, whatever the page's: screen readers and
                # spell checkers follow `lang`.
                widget=forms.Textarea(attrs={"rows": 6, "lang": language}),
            )
