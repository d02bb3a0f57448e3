from django import template
from django.utils.safestring import mark_safe

from unionportal import content_language

register = template.Library()


@register.filter
def lang_attr(value):
    """`<span{{ rubric.name|lang_attr }}>`: marks content not in the page's language."""
    return mark_safe(content_language.lang_attr(value))  # noqa: S308 - the value is one of our language codes


@register.filter
def lang_of(code):
    """`<h1{{ publication.language|lang_of }}>`: ` lang="kk"` for a Kazakh-only item on a
    page in another language; nothing for the page's own language or for mixed content."""
    if code not in ("ru", "kk", "en") or code == content_language.page_language():
        return ""
    return mark_safe(f' lang="{code}"')  # noqa: S308 - one of three fixed codes


@register.simple_tag(takes_context=True)
def admin_title(context, changelist=False):
    """Django's admin title with the model's name in the accusative («Добавить публикацию»)."""
    from unionportal.admin_wording import admin_title as build

    return build(
        title=context.get("title"),
        opts=context.get("opts") or getattr(context.get("cl"), "opts", None),
        add=context.get("add", False),
        changelist=changelist,
    )
