from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.roles import is_regional, is_staff_member, user_has_role


def staff_required(view_func=None, *, roles: tuple[str, ...] | None = None):
    """Staff pages: anonymous visitors go to the login page, members get 403.

    With `roles`, only those roles (and the regional ones, who see everything) pass.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(user):
                raise PermissionDenied
            if roles and not (is_regional(user) or user_has_role(user, *roles)):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        # Read by RequireStaffMFAMiddleware: staff pages outside the admin (attachment
        # downloads, the dashboard) hold personal data too and need the second factor alike.
        wrapper.staff_only = True
        return wrapper

    return decorator(view_func) if view_func else decorator
