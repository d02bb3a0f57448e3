from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts.backends import RENAMED_BACKENDS
from accounts.roles import is_staff_member
from accounts.sessions import user_read_with_session

# What a staff member without a second factor may still do among the account pages: sign
# in and out, prove their password again, and enrol. Everything else there (e-mail
# addresses, password change, recovery codes …) waits for the second factor, so a stolen
# password alone cannot swap the e-mail and lock the owner out before they enrol.
ENROLMENT_VIEWS = frozenset(
    {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
    }
)


class SessionBackendNamesMiddleware:
    """A session made before the portal's own authentication backends names the library's
    class that logged the member in; it is renamed to the portal's subclass
    (`accounts.backends`), so the member stays logged in. Between SessionMiddleware and
    AuthenticationMiddleware; a visitor without a session cookie costs nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            renamed = RENAMED_BACKENDS.get(request.session.get(BACKEND_SESSION_KEY))
            if renamed:
                request.session[BACKEND_SESSION_KEY] = renamed
        return self.get_response(request)


def _user_of(request):
    """Django's `get_user(request)`, with the user read with the session handed to the backend
    for the length of that call only."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # loads the session, and its user with it
        handed = user_read_with_session.set(getattr(session, "joined_user", None))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            user_read_with_session.reset(handed)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, but the user of a session is the one read with it (`accounts.sessions`): one
    query for a logged-in member's session and user instead of two. Every check of Django's
    `get_user` runs as before."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_of(request))


class RequireStaffMFAMiddleware:
    """When MFA_REQUIRED_FOR_STAFF is on, a staff member (`accounts.roles.is_staff_member`:
    superuser, `is_staff` or any staff role, however given) who has not turned on TOTP
    can do nothing but enrol it: the admin, the other staff pages (views under
    `staff_required`) and the account pages other than `ENROLMENT_VIEWS` send them to the
    enrolment page. The public site stays open to them as to anyone.

    The admin holds members' personal data; a stolen password alone must not open it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.MFA_REQUIRED_FOR_STAFF:
            return None
        match = request.resolver_match
        if match is None or not _guarded(match, view_func):
            return None
        user = request.user
        if not is_staff_member(user):
            return None
        if request.session.get("mfa_checked_for") == user.pk:
            return None
        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(user):
            request.session["mfa_checked_for"] = user.pk
            return None
        messages.warning(request, _("Turn on two-factor authentication to use the staff area."))
        return redirect("mfa_activate_totp")


def _guarded(match, view_func) -> bool:
    if match.app_name == "admin" or getattr(view_func, "staff_only", False):
        return True
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith("allauth.") and match.url_name not in ENROLMENT_VIEWS
