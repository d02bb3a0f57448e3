"""The one admin base for every record that belongs to an organisation.

Everything a branch editor can reach through the admin is narrowed with
`Model.objects.for_user(user)` (`branches.scoping`): the list, every list filter's choices
(a related-field filter offers only the rows the user may see), the autocomplete (it reads
the related admin's scoped queryset), every foreign-key and many-to-many choice of a form
and of its inlines, the actions and exports (they act on the scoped queryset), and the
object pages (an object outside the queryset is "not found"). On top of it, the strict
lookups of `unionportal.admin_base` apply to every role.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from accounts.roles import is_regional
from branches.scoping import ScopedQuerySet
from unionportal.admin_base import PortalAdmin


def is_scoped_model(model) -> bool:
    return bool(getattr(model, "BRANCH_SCOPE_FIELD", None))


def scoped_choices(queryset, user):
    """The rows of `queryset` that `user` may pick: all of them for a model that belongs to
    no organisation (outlets, rubrics), else those of the user's organisations."""
    if is_regional(user) or not is_scoped_model(queryset.model):
        return queryset
    if not isinstance(queryset, ScopedQuerySet):
        queryset = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    return queryset.for_user(user)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices narrowed to what the user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request.user)
            # A model whose name in a picker reads a related row says so (SocialPage names
            # its organisation): one query for the whole list of choices.
            related = getattr(field.queryset.model, "LABEL_SELECT_RELATED", None)
            if related:
                field.queryset = field.queryset.select_related(*related)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request.user)
        return field


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter that names only the rows the user may see."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        if is_regional(request.user) or not is_scoped_model(related):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = related._default_manager.for_user(request.user).values("pk")
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": visible})


class BranchLevelFilter(ScopedRelatedFieldListFilter):
    """The regional organisation and the branches the user may see: a dozen rows from the
    registry, not the distinct values of a 200,000-row list (`RelatedOnlyFieldListFilter`)
    nor every school."""

    def field_choices(self, field, request, model_admin):
        from branches.choices import OrganisationKind

        related = field.related_model
        visible = related._default_manager.for_user(request.user).filter(
            kind__in=[OrganisationKind.REGIONAL, OrganisationKind.BRANCH]
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": visible.values("pk")})


def scoped_list_filter(model, item):
    """`item` of a `list_filter`, with a plain related-field filter made a scoped one."""
    from django.contrib.admin.utils import get_fields_from_path

    if isinstance(item, str):
        field = get_fields_from_path(model, item)[-1]
        if field.is_relation and field.related_model is not None and is_scoped_model(field.related_model):
            return (item, ScopedRelatedFieldListFilter)
        return item
    if isinstance(item, (list, tuple)) and item[1] is admin.RelatedFieldListFilter:
        return (item[0], ScopedRelatedFieldListFilter)
    return item


class BranchScopedAdmin(ScopedChoicesMixin, PortalAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def get_list_filter(self, request):
        return [scoped_list_filter(self.model, item) for item in super().get_list_filter(request)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.check_object_scope(request, obj)

    def check_object_scope(self, request, obj) -> None:
        """After a save: the record must still be the user's. The form's choices are scoped
        already; this guards a forged POST all the same."""
        if not is_regional(request.user) and not type(obj)._default_manager.filter(pk=obj.pk).for_user(request.user).exists():
            raise PermissionDenied


class ScopedInlineMixin(ScopedChoicesMixin):
    """For the inlines of a scoped admin: their rows and their choices are scoped too."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_scoped_model(self.model):
            queryset = queryset.for_user(request.user)
        return queryset


class BranchScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class BranchScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass
