"""Whole-page caching of public pages for anonymous visitors, fresh at once after a write.

Most visitors are members reading the news on a phone, without a login: their pages are
the same for everyone in a language, so they come from the cache. Logged-in members get
the same cached page with their own menu and messages rendered into it (below).

Freshness does not wait for a timeout. Every page names the parts of the portal it shows
(`@cache_public_page("publications", "branches")`); each part has a version in the cache,
and a page is served only while its parts are at the versions it was rendered at. A write to a part calls
`bump("publications")` (the services do, and every save or delete of the part's models
through `bump_on_change`), which gives the part a new version once the transaction
commits: every page that shows it is then missed and rendered afresh. A page is stored
under its address and language with the versions it was rendered at, so one round trip to
the cache (the page and its parts' versions in one MGET) tells whether it is still fresh.
With Redis, each process also keeps the pages it served and their parts' versions, trusted
while Redis announces every change of a version to it (unionportal/near_cache.py): a page
asked for again then costs no round trip at all.

The CSRF token is never cached: a page's forms carry a placeholder in the cache and get
the visitor's own token when served.

Logged-in members (and visitors with a one-time message waiting) get the same cached page
with its visitor parts left open: the templates mark what belongs to one visitor with
`{% visitor_part "_visitor_menu.html" %}` (the log-out form, the staff links, the
messages), the cache keeps a marker in their place, and each request renders only those
small templates for its own visitor. The view does not run, so a member's news page costs
the session and user lookups plus a few lines of template, not a whole render. A page may
do so only if nothing outside its visitor parts depends on who is looking.

A form filled with the member's own name and e-mail (the appeal form) is cached the same
way: the view fills those inputs through `visitor_input_values`, which while the page is
rendered for the cache gives it a marker for each, and each request fills the markers with
its own visitor's values. The copy for the cache is rendered as for an anonymous visitor
(`request.user` is AnonymousUser while the view runs), so no member's name or e-mail can be
stored in it; as a second guard, a render whose content still holds one of the visitor's own
values (from the session, say) is served but not stored.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, engines
from django.utils.html import escape

from unionportal.cache import NEAR_TRACKED_PREFIX

logger = logging.getLogger(__name__)

PARTS = ("branches", "publications", "media", "giveaways", "faq")
_VERSION_KEY = NEAR_TRACKED_PREFIX + "{}"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")
# A visitor part left open in a cached page: the name of the template that renders it.
_VISITOR_PART = re.compile(rb"\x00part:([\w./-]+)\x00")
# An input filled for one visitor, left open in a cached page: the input's name.
_VISITOR_INPUT = re.compile(rb"\x00value:(\w+)\x00")


def _new_version() -> str:
    return uuid.uuid4().hex[:12]


def bump(*parts: str) -> None:
    """The pages that show these parts are fresh at the next request after the commit."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown cache parts: {sorted(unknown)}")

    parts = tuple(sorted(set(parts)))
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # An import saving 10,000 rows in one block bumps once, not 10,000 times (only a
        # callback of this very savepoint counts: an outer one may still be rolled back).
        current = set(connection.savepoint_ids)
        for savepoints, func, *_rest in reversed(connection.run_on_commit):
            if savepoints == current and getattr(func, "bumps_parts", None) == parts:
                return

    def _bump():
        keys = [_VERSION_KEY.format(part) for part in parts]
        cache.set_many({key: _new_version() for key in keys}, None)
        # This process need not wait for Redis's announcement of its own write.
        near = _near_cache()
        if near is not None:
            near.forget(keys)

    _bump.bumps_parts = parts
    transaction.on_commit(_bump)


def bump_on_change(part: str, *models) -> None:
    """Any save or delete of these models (the admin's, a service's) bumps `part`."""

    def _handler(sender, **kwargs):
        bump(part)

    for model in models:
        post_save.connect(_handler, sender=model, weak=False, dispatch_uid=f"bump-{part}-{model._meta.label}")
        post_delete.connect(_handler, sender=model, weak=False, dispatch_uid=f"bump-{part}-del-{model._meta.label}")


def _versions_of(found: dict, keys: list[str]) -> str:
    missing = [key for key in keys if key not in found]
    if missing:
        # A part never bumped (or evicted): agree on one new version, whoever comes first.
        for key in missing:
            cache.add(key, _new_version(), None)
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, "")) for key in keys)


def part_versions(parts) -> str:
    keys = [_VERSION_KEY.format(part) for part in parts]
    return _versions_of(cache.get_many(keys), keys)


def _page_key(request, suffix: str = "") -> str:
    digest = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    # "2": an entry carries its end of life since the process's own copy (three fields before).
    return f"public-page:2:{getattr(request, 'LANGUAGE_CODE', '')}:{digest}{suffix}"


def _near_cache():
    """The process's own copy of the cache (unionportal/near_cache.py), with Redis only."""
    return getattr(cache, "near_cache", None)


def _lookup(request, parts, suffix: str = ""):
    """(key, versions, stored page or None): from the process's own copy when it holds the
    page and its parts' versions, else in one round trip when the parts have versions.

    A page stored at other versions than its parts' current ones is a miss. A render that
    read the versions before a write and stores after it is stored at the old versions, so
    the next request renders afresh: a page is never served staler than its parts."""
    key = _page_key(request, suffix)
    version_keys = [_VERSION_KEY.format(part) for part in parts]
    near = _near_cache()
    epoch = near.open_epoch() if near is not None else None
    if epoch is not None:
        kept_versions = near.values(version_keys)
        if kept_versions is not None:
            versions = ".".join(kept_versions)
            kept = near.page(key, versions)
            if kept is not None:
                return key, versions, kept
    found = cache.get_many([key, *version_keys])
    stored = found.pop(key, None)
    versions = _versions_of(found, version_keys)
    if epoch is not None:
        # As text, as `_versions_of` joins them: a version set by hand may read back as a number.
        near.keep_values(epoch, {name: str(found[name]) for name in version_keys if found.get(name) not in (None, "")})
    if stored is not None and stored[0] == versions:
        if epoch is not None:
            near.keep_page(key, stored)
        return key, versions, stored[1:3]
    return key, versions, None


def visitor_part_marker(template_name: str) -> str:
    """What `{% visitor_part %}` writes while a page is rendered for the cache."""
    if not re.fullmatch(r"[\w./-]+", template_name):
        raise ValueError(f"a visitor part's template name may not be {template_name!r}")
    return f"\x00part:{template_name}\x00"


def renders_visitor_parts_open(request) -> bool:
    return getattr(request, "_visitor_parts_open", False)


def _fill_visitor_parts(request, content: bytes) -> bytes:
    """Render each open visitor part for this request: only the context processors' values
    (user, messages, csrf_token, the language) reach them. The processors run once for all
    the parts of the page, not once per part as `render_to_string` would."""
    names = set(_VISITOR_PART.findall(content))
    if not names:
        return content
    engine = engines["django"].engine
    values = {}
    for processor in engine.template_context_processors:
        values.update(processor(request))
    rendered = {
        name: engine.get_template(name.decode()).render(Context(values, autoescape=engine.autoescape)).encode()
        for name in names
    }
    return _VISITOR_PART.sub(lambda m: rendered[m.group(1)], content)


def visitor_input_values(request, values_for) -> dict[str, str]:
    """The values a view fills one visitor's inputs with (`cache_public_page(visitor_inputs=
    values_for)`): `values_for(request)`, or, while the page is rendered for the cache, a
    marker in place of each, which every request fills with its own visitor's values."""
    values = values_for(request)
    if renders_visitor_parts_open(request):
        return {name: f"\x00value:{name}\x00" for name in values}
    return values


def _fill_visitor_inputs(request, content: bytes, values_for) -> bytes:
    if values_for is None or b"\x00value:" not in content:
        return content
    # Escaped for an attribute; a NUL (which no form lets through) could pose as a marker.
    values = {name.encode(): escape(value.replace("\x00", "")).encode() for name, value in values_for(request).items()}
    return _VISITOR_INPUT.sub(lambda m: values.get(m.group(1), b""), content)


def _holds_visitor_values(request, content: bytes, values_for) -> bool:
    """Whether a render meant for the cache still holds this visitor's own values: a template
    that wrote them some other way than through the markers."""
    if values_for is None:
        return False
    # As written into the HTML (escaped) and as it is, whichever way a template wrote it.
    written = {form for value in values_for(request).values() if value for form in (value, str(escape(value)))}
    return any(form.encode() in content for form in written)


def _cacheable_request(request) -> bool:
    """The whole page, as every anonymous visitor without a message sees it."""
    if request.user.is_authenticated:
        return False
    # A one-time message waiting for this visitor belongs to them alone.
    if "messages" in request.COOKIES:  # CookieStorage's cookie
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        from django.contrib.messages import get_messages

        if len(get_messages(request)):
            return False
    return True


def _fresh_input_pattern(name: str) -> re.Pattern:
    return re.compile(rb'(name="' + re.escape(name.encode()) + rb'" value=")[^"]*(")')


def _fresh_input_placeholder(name: str) -> bytes:
    return b"\x00input:" + name.encode() + b"\x00"


def _from_cache(request, stored, *, open_parts=False, fresh_inputs=None, visitor_inputs=None) -> HttpResponse:
    content, headers = stored
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    for name, make in (fresh_inputs or {}).items():
        placeholder = _fresh_input_placeholder(name)
        if placeholder in content:
            content = content.replace(placeholder, escape(make()).encode())
    if open_parts:
        # The parts first: a visitor's value filled in is never read as a part's marker.
        content = _fill_visitor_inputs(request, _fill_visitor_parts(request, content), visitor_inputs)
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def _store(key, versions, response, timeout, fresh_inputs=None, *, request=None, visitor_inputs=None) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    if _holds_visitor_values(request, response.content, visitor_inputs):
        logger.warning("Page cache: a visitor's own value is in the page outside its markers; the page is not cached")
        return
    content = _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content)
    for name in fresh_inputs or {}:
        content, found = _fresh_input_pattern(name).subn(rb"\1" + _fresh_input_placeholder(name) + rb"\2", content)
        if not found:
            # The input is written some other way than the pattern expects: caching the page
            # would hand this visitor's one-time value to every later one. Serve it uncached.
            logger.warning("Page cache: the fresh input %r was not found; the page is not cached", name)
            return
    headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
    # The page's end of life goes with it: the process's own copy keeps it no longer.
    entry = (versions, content, headers, time.time() + timeout)
    cache.set(key, entry, timeout)
    near = _near_cache()
    if near is not None:
        near.keep_page(key, entry)


def cache_public_page(*parts: str, fresh_inputs: dict | None = None, visitor_inputs=None):
    """Decorate a public view with the parts it shows: `@cache_public_page("publications")`.

    `fresh_inputs={"form_token": issue}`: hidden inputs whose value is made anew for every
    visitor, like the CSRF token (a one-time form token): kept out of the cache, `issue()`
    called on each serve. `visitor_inputs=values_for`: inputs filled for each visitor, such
    as a member's name (`values_for(request)` gives {input name: value}; the view fills them
    through `visitor_input_values`). Only GET and HEAD are ever cached; a POST always runs
    the view."""
    unknown = set(parts) - set(PARTS)
    if unknown or not parts:
        raise ValueError(f"name the parts a cached page shows, from {PARTS}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
            if not timeout or request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if _cacheable_request(request):
                key, versions, stored = _lookup(request, parts)
                if stored is not None:
                    return _from_cache(request, stored, fresh_inputs=fresh_inputs)
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response.add_post_render_callback(lambda r: _store(key, versions, r, timeout, fresh_inputs))
                else:
                    _store(key, versions, response, timeout, fresh_inputs)
                return response
            return _with_visitor_parts(
                request, view, args, kwargs, parts=parts, timeout=timeout, fresh_inputs=fresh_inputs, visitor_inputs=visitor_inputs
            )

        return wrapper

    return decorator


def _with_visitor_parts(request, view, args, kwargs, *, parts, timeout, fresh_inputs, visitor_inputs) -> HttpResponse:
    """The cached page with this visitor's parts rendered into it; on a miss the view renders
    it with the parts open, the cache keeps that, and this visitor's parts are filled in."""
    key, versions, stored = _lookup(request, parts, ":open")
    if stored is not None:
        return _from_cache(request, stored, open_parts=True, fresh_inputs=fresh_inputs, visitor_inputs=visitor_inputs)
    request._visitor_parts_open = True
    # The copy for the cache is rendered for nobody in particular: whatever of the page is
    # not a visitor part or input cannot carry this member's data into it.
    from django.contrib.auth.models import AnonymousUser  # here: this module may load before the apps

    visitor, request.user = request.user, AnonymousUser()
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
    finally:
        # An error page rendered after an exception (404, 500) gets its parts as usual.
        request._visitor_parts_open = False
        request.user = visitor
    if response.streaming:
        return response
    _store(key, versions, response, timeout, fresh_inputs, request=request, visitor_inputs=visitor_inputs)
    response.content = _fill_visitor_inputs(request, _fill_visitor_parts(request, response.content), visitor_inputs)
    return response
