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

import datetime

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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


# --- Lists that do not grow with the table ------------------------------------------------


class PeriodFilter(admin.SimpleListFilter):
    """A date filter with fixed choices, in place of Django's date drill-down.

    The drill-down (`date_hierarchy`) asks the database for every distinct year, month or day
    of the whole filtered table on each page view: at 200,000 rows that scan is most of the
    page. These choices cost nothing to show, and each is a range on the field's index.
    Subclass with `field_name` set, or use `period_filter("received_at")`.
    """

    title = _("period")
    field_name = ""

    def lookups(self, request, model_admin):
        return [
            ("30d", _("Last 30 days")),
            ("month", _("This month")),
            ("year", _("This year")),
            ("last_year", _("Last year")),
        ]

    def _bounds(self) -> tuple[datetime.date, datetime.date] | None:
        # Today in Asia/Almaty, like every date a person reads on the portal.
        today = timezone.localdate()
        if self.value() == "30d":
            return today - datetime.timedelta(days=29), today + datetime.timedelta(days=1)
        if self.value() == "month":
            return today.replace(day=1), today + datetime.timedelta(days=1)
        if self.value() == "year":
            return today.replace(month=1, day=1), today.replace(year=today.year + 1, month=1, day=1)
        if self.value() == "last_year":
            return today.replace(year=today.year - 1, month=1, day=1), today.replace(month=1, day=1)
        return None

    def queryset(self, request, queryset):
        bounds = self._bounds()
        if bounds is None:
            return queryset
        start, end = bounds
        if _is_datetime(queryset.model, self.field_name):
            start, end = (timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) for day in (start, end))
        return queryset.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


def _is_datetime(model, path: str) -> bool:
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return isinstance(model._meta.get_field(name), models.DateTimeField)


def period_filter(field_name: str, title=None) -> type[PeriodFilter]:
    attrs = {"field_name": field_name, "parameter_name": f"{field_name.replace(LOOKUP_SEP, '_')}_period"}
    if title is not None:
        attrs["title"] = title
    return type(f"PeriodFilter_{field_name}", (PeriodFilter,), attrs)


class StaffRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a user field whose choices are the staff (a small table's worth), not
    every member with a login, nor every distinct value of the list's own table."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(include_blank=False, limit_choices_to={"is_staff": True}, ordering=("last_name", "first_name"))


class BoundedCountPaginator(Paginator):
    """The admin's paginator without a full `COUNT(*)` of a long list.

    It counts at most `cap + 1` rows (the database stops there); past the cap an unfiltered
    list on PostgreSQL takes the planner's row estimate (`pg_class.reltuples`, kept by
    autovacuum's ANALYZE), and a filtered one says `cap`. Page links still reach every page
    up to there; the search box and the filters narrow the rest.
    """

    cap = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        bounded = qs.order_by()[: self.cap + 1].count()
        if bounded <= self.cap:
            return bounded
        if connection.vendor == "postgresql" and not qs.query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > self.cap:
                return int(row[0])
        return self.cap
