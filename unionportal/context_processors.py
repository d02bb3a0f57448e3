from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

# The organisation's one name per language: the header, the footer, the home page, the
# page titles and the admin all read it from here, so it cannot drift apart again.
PORTAL_NAME = _("Karaganda regional organisation of the trade union of education workers")

# The portal's addresses are the same words in every language, under /kk/ and /en/ (Russian,
# the default, has no prefix: i18n_patterns with prefix_default_language=False). So the
# same page in another language is a prefix swap, not `translate_url`'s resolve and reverse
# per language on every rendered page. Names are read once.
_LANGUAGES = [
    (code, "" if code == settings.LANGUAGE_CODE else f"/{code}", get_language_info(code)["name_local"].capitalize())
    for code, _name in settings.LANGUAGES
]


def _without_prefix(path: str) -> str:
    for _code, prefix, _name in _LANGUAGES:
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            return path[len(prefix) :] or "/"
    return path


def _language_links(request):
    current = get_language()
    path = _without_prefix(request.get_full_path())
    return [
        {"code": code, "name": name, "url": prefix + path, "is_current": code == current}
        for code, prefix, name in _LANGUAGES
    ]


def portal(request):
    """Contacts for the footer and the language links: the same page in each language.

    Plain links rather than a POST form: they need no CSRF token, so public pages stay
    cacheable, and each language has its own address a member can share.
    """
    return {
        "PORTAL_NAME": PORTAL_NAME,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "PORTAL_CONTACT_PHONE": settings.PORTAL_CONTACT_PHONE,
        "language_links": SimpleLazyObject(lambda: _language_links(request)),
    }
