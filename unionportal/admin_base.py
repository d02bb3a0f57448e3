"""The base of every admin of the portal: only the lookups the page itself offers.

Django's admin accepts, from the query string, any lookup on a model's own fields
(`?email__regex=^s`), so counting the rows of a list spells out data its columns never
show: the e-mail of an appeal whose contacts a branch editor may not see, one character
a request. Here a changelist accepts only
- the lookups of its list filters (on the filter's field, or on its related row's id),
- its date hierarchy,
- the lookups that the dashboard's figure links to this list carry (declared beside each
  figure in the apps' `figures.py`),
- the parameters its own pages link with, named in `extra_lookups`,
for everyone, superusers included; anything else answers like any other bad filter, with
the list's error redirect (`?e=1`).
"""

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

from unionportal.figures import registry


def lookup_field_path(model, lookup: str) -> str:
    """The fields a lookup walks, without its transforms and lookups, and without a final
    primary key reached through a relation: "organisation__id__in" -> "organisation",
    "email__regex" -> "email", "won" -> ""."""
    path = []
    previous_relation = None
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if previous_relation is not None and getattr(field, "primary_key", False):
            # `organisation__id` selects by the related row, as the filter's own lookup does.
            break
        path.append(field.name)
        if not field.is_relation or field.related_model is None:
            break
        previous_relation = field
        model = field.related_model
    return LOOKUP_SEP.join(path)


class StrictLookupsMixin:
    """Mix into any ModelAdmin (before it): refuse the lookups the page does not offer."""

    # Exact query-string parameters that the portal's own pages link to this list with.
    extra_lookups: tuple[str, ...] = ()

    def _offered_lookups(self, request) -> tuple[set[str], set[str]]:
        """(field paths of the filters and the date hierarchy, exact parameter names)."""
        from django.contrib.admin.filters import SimpleListFilter

        paths: set[str] = set()
        names: set[str] = set(self.extra_lookups)
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                names.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                paths.add(lookup_field_path(self.model, item[0]))
            else:
                paths.add(lookup_field_path(self.model, item))
        if self.date_hierarchy:
            paths.add(lookup_field_path(self.model, self.date_hierarchy))
        changelist = f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
        for link in registry.links_to(changelist):
            names |= link.lookups()
        paths.discard("")
        return paths, names

    def lookup_allowed(self, lookup, value, request=None):
        # The raw-id popup filters by the field's `limit_choices_to`: Django's own allowance.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        paths, names = self._offered_lookups(request)
        if lookup in names:
            return True
        path = lookup_field_path(self.model, lookup)
        return bool(path) and path in paths

    def get_changelist_instance(self, request):
        # A refused lookup reads like any other bad filter: the list's `?e=1` redirect,
        # not a 400 that tells the two apart.
        try:
            return super().get_changelist_instance(request)
        except DisallowedModelAdminLookup as exc:
            raise IncorrectLookupParameters(str(exc)) from exc


class PortalAdmin(StrictLookupsMixin, admin.ModelAdmin):
    """The admin base of the portal's shared reference data (outlets, rubrics, …)."""


def make_every_admin_strict(site) -> None:
    """Give the admins that libraries register (groups, e-mail addresses, authenticators) the
    same strict lookups, once every app's admin module is loaded."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, StrictLookupsMixin):
            continue
        strict = type(f"Strict{type(model_admin).__name__}", (StrictLookupsMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, strict)
