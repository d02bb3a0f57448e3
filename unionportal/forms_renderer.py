"""A form renderer that writes `<select>` elements in Python.

Django renders every select through three templates per option (select, option, attrs):
for the news filters and the appeal form that was a third to two thirds of a fresh page
(issue 19's profile). This renderer writes the same HTML as Django's templates for the
stock select and option templates, and leaves every other template to the project's
TEMPLATES (so templates/admin/widgets/ may override Django's widgets).
"""

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class PortalFormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if (
            template_name == SELECT
            and widget is not None
            and all(option["template_name"] == OPTION for _g, options, _i in widget["optgroups"] for option in options)
        ):
            return mark_safe(_select(widget))  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request=request)
