from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

# The organisation's one name per language: the header, the footer, the home page, the
# page titles and the admin all read it from here, so it cannot drift apart again.
PORTAL_NAME = _("Karaganda regional organisation of the trade union of education workers")


def _language_links(request):
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"].capitalize(),
                "url": translate_url(path, code),
                "is_current": code == current,
            }
        )
    return links


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
