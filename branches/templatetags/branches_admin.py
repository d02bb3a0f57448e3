"""`{% connection_warnings as warnings %}` for the admin index: accounts needing a new token."""

from django import template

from branches.selectors import connections_needing_attention

register = template.Library()


@register.simple_tag
def connection_warnings():
    return connections_needing_attention()
