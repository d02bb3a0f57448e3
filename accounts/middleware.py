from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.backends import RENAMED_BACKENDS
from accounts.roles import is_staff_member

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
