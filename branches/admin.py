from django.contrib import admin

from accounts.admin_mixins import BranchScopedAdmin
from branches.models import Organisation, SocialPage


class SocialPageInline(admin.TabularInline):
    model = SocialPage
    extra = 0
    fields = ["platform", "url", "handle", "is_official"]


@admin.register(Organisation)
class OrganisationAdmin(BranchScopedAdmin):
    list_display = ["name_ru", "kind", "parent", "chair_name", "position"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name_ru", "name_kk", "chair_name"]
    prepopulated_fields = {"slug": ["name_ru"]}
    inlines = [SocialPageInline]


@admin.register(SocialPage)
class SocialPageAdmin(BranchScopedAdmin):
    list_display = ["organisation", "platform", "handle", "url", "is_official"]
    list_filter = ["platform", "is_official"]
    list_select_related = ["organisation"]
    search_fields = ["url", "handle", "organisation__name_ru"]
