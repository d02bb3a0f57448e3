"""Whole-page caching of public pages for anonymous visitors.

Most visitors are members reading the news on a phone, without a login: their pages are
the same for everyone in a language, so they come from the cache. Logged-in staff always
get a fresh page.
"""

from functools import wraps

from django.conf import settings
from django.views.decorators.cache import cache_page


def cache_public_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        if timeout and request.method in ("GET", "HEAD") and not request.user.is_authenticated:
            return cache_page(timeout, key_prefix="public")(view)(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapper
