"""Admin base for every record that belongs to an organisation.

It narrows lists, forms and object access with `accounts.scoping`, so a branch editor can
neither list, open, change, delete nor pick another branch's records, whatever the URL.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts.roles import is_regional
from accounts.scoping import scope_queryset, scoped_organisation_ids


class BranchScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A model whose name in a picker reads a related row says so (SocialPage names its
        # organisation): one query for the whole list of choices.
        related = getattr(getattr(field, "queryset", None), "model", None)
        if related is not None and getattr(related, "LABEL_SELECT_RELATED", None):
            field.queryset = field.queryset.select_related(*related.LABEL_SELECT_RELATED)
        if field is not None and not is_regional(request.user):
            field.queryset = _scoped_choices(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and not is_regional(request.user):
            field.queryset = _scoped_choices(field.queryset, request.user)
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The form's choices are already scoped; this guards a forged POST all the same.
        if not is_regional(request.user) and not scope_queryset(type(obj).objects.filter(pk=obj.pk), request.user).exists():
            raise PermissionDenied


def _scoped_choices(queryset, user):
    from branches.models import Organisation

    model = queryset.model
    if model is Organisation:
        return queryset.filter(pk__in=scoped_organisation_ids(user))
    if getattr(model, "BRANCH_SCOPE_FIELD", None):
        return scope_queryset(queryset, user)
    return queryset
