"""The portal's form renderer writes a select exactly as Django's templates do."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from unionportal.forms_renderer import PortalFormRenderer


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Алматы & <Астана>"), ("b", 'Б "кавычки"')], required=False)
    grouped = forms.ChoiceField(choices=[("Города", [("k", "Караганда"), ("t", "Темиртау")]), ("x", "Другое")])
    many = forms.MultipleChoiceField(choices=[("1", "один"), ("2", "два")], widget=forms.SelectMultiple(attrs={"class": "wide", "data-x": True}))


@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "t", "many": ["1", "2"]}])
def test_the_select_is_the_same_html_as_djangos(data):
    for name in ("plain", "grouped", "many"):
        ours = _Form(data, renderer=PortalFormRenderer())[name].as_widget()
        django = _Form(data, renderer=DjangoTemplates())[name].as_widget()
        assert ours == django


def test_the_portal_uses_it_for_every_form(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)
