"""Content that the union writes in Russian and, where it has one, in Kazakh.

Why not django-modeltranslation: the organisations, topics and FAQ entries already keep
`<field>_ru` (required) and `<field>_kk` (optional) columns, and their admin forms show
both side by side; one small descriptor gives every such model the same reading rule, with
no second mechanism patching managers, querysets and the admin.

The rule: on Kazakh pages the Kazakh text when it was entered, otherwise the Russian one;
the value says which language it is in (`.lang`), so a template can mark text that is not
in the page's language with `lang="…"` for screen readers (`{{ value|lang_attr }}`).
"""

from django.utils.translation import get_language


class ContentText(str):
    """A text in the language it was written in."""

    lang: str

    def __new__(cls, value, lang):
        text = super().__new__(cls, value or "")
        text.lang = lang
        return text


def page_language() -> str:
    return (get_language() or "ru").split("-")[0]


def in_page_language(ru: str, kk: str = "") -> ContentText:
    """The Kazakh text on Kazakh pages when there is one, else the Russian one."""
    if kk and page_language() == "kk":
        return ContentText(kk, "kk")
    return ContentText(ru, "ru")


class TranslatedField:
    """`name = TranslatedField()` on a model with `name_ru` and `name_kk` columns, or
    `display_name = TranslatedField(ru="name", kk="name_kk")` where the Russian column
    keeps an older name."""

    def __init__(self, *, ru: str | None = None, kk: str | None = None):
        self.ru, self.kk = ru, kk

    def __set_name__(self, owner, name):
        self.ru = self.ru or f"{name}_ru"
        self.kk = self.kk or f"{name}_kk"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return in_page_language(getattr(instance, self.ru), getattr(instance, self.kk, ""))


def lang_attr(value) -> str:
    """` lang="ru"` when `value` is content in another language than the page's, else ''."""
    lang = getattr(value, "lang", None)
    if not lang or lang == page_language():
        return ""
    return f' lang="{lang}"'
