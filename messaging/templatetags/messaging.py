from django import template

from messaging import selectors

register = template.Library()


@register.simple_tag
def telegram_link(organisation):
    """The branch's subscribe link, or None when the bot is off (the block then hides)."""
    return selectors.branch_link_for(organisation)
