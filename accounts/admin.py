from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User
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
