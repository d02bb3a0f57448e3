from django import template
from django.utils.safestring import mark_safe

from unionportal import caching

register = template.Library()


@register.simple_tag(takes_context=True)
def visitor_part(context, template_name):
    """`{% visitor_part "_visitor_menu.html" %}`: what in a cached page belongs to one visitor.

    Rendered in place like an include, except while a page is rendered for the cache with
    its visitor parts open (unionportal/caching.py): then a marker, filled per request.
    The template may use only what the context processors give (user, messages,
    csrf_token, request, the language), since that is all it gets when filled in."""
    if caching.renders_visitor_parts_open(context.get("request")):
        return mark_safe(caching.visitor_part_marker(template_name))  # noqa: S308 - a checked template name
    return context.template.engine.get_template(template_name).render(context)
