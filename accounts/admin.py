from allauth.mfa import admin as allauth_mfa_admin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User
from accounts.roles import is_staff_member
from accounts.services import user_notify_security_change, user_record_security_change, user_sync_staff_status
from unionportal.admin_base import StrictLookupsMixin


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["organisation", "position", "phone"]
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(StrictLookupsMixin, DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups"]
    list_select_related = ["profile__organisation"]

    @admin.display(description=_("organisation"), ordering="profile__organisation__name_ru")
    def organisation(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.organisation if profile else "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # Only a superuser may hand out superuser status or single permissions: staff who
        # manage accounts must not be able to raise their own rights.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in ("is_superuser", "user_permissions")]})
            for name, opts in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        old_email = form.initial.get("email", "")
        if change and "email" in form.changed_data and old_email and is_staff_member(obj):
            # The admin's own history records this change; the owner hears of it at the
            # address they had, in case it was not them who asked.
            user_notify_security_change(
                request=request, user=obj, template_prefix="account/email/email_changed", email=old_email,
                context={"from_email": old_email, "to_email": obj.email},
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None and is_staff_member(user):
                user_notify_security_change(
                    request=request, user=user, template_prefix="account/email/password_changed",
                    email=_primary_email(user),
                )
        return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A role group ticked in this form (or `is_staff` unticked beside one) must leave
        # the flag true to the roles; the groups m2m signal covers the ticking, this the rest.
        user_sync_staff_status(user=form.instance)


def _primary_email(user) -> str:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.get_primary_email(user) or user.email


class AuthenticatorAdmin(StrictLookupsMixin, allauth_mfa_admin.AuthenticatorAdmin):
    """allauth's list of authenticators; a deletion (e.g. of one an intruder enrolled) is
    e-mailed to the owner and written to the owner's history like a change they made."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _second_factor_removed(request, obj.user)

    def delete_queryset(self, request, queryset):
        owners = {authenticator.user for authenticator in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for owner in owners:
            _second_factor_removed(request, owner)


def _second_factor_removed(request, user) -> None:
    user_record_security_change(user=user, change="second_factor", actor=request.user)
    if is_staff_member(user):
        user_notify_security_change(
            request=request, user=user, template_prefix="mfa/email/totp_deactivated", email=_primary_email(user)
        )


admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuthenticatorAdmin)
