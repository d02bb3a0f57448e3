"""`{% platform_icon page.platform %}`: a small inline SVG logo per platform, so the
directory needs no icon font, no image request and no third-party script."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# 24×24 shapes in each platform's colour, simplified so they stay recognisable at 20 px.
ICONS = {
    "instagram": (
        '<defs><linearGradient id="ig-g" x1="0" y1="1" x2="1" y2="0"><stop offset="0" stop-color="#feda75"/>'
        '<stop offset=".4" stop-color="#d62976"/><stop offset="1" stop-color="#4f5bd5"/></linearGradient></defs>'
        '<rect x="2" y="2" width="20" height="20" rx="6" fill="url(#ig-g)"/>'
        '<circle cx="12" cy="12" r="4.5" fill="none" stroke="#fff" stroke-width="2"/>'
        '<circle cx="17.3" cy="6.7" r="1.3" fill="#fff"/>'
    ),
    "facebook": (
        '<circle cx="12" cy="12" r="11" fill="#1877f2"/>'
        '<path d="M13.4 21v-7h2.4l.4-2.8h-2.8V9.4c0-.8.3-1.4 1.4-1.4h1.5V5.5c-.3 0-1.2-.1-2.2-.1-2.2 0-3.6 1.3-3.6 3.7v2.1H8.1V14h2.4v7z" fill="#fff"/>'
    ),
    "youtube": (
        '<rect x="1.5" y="5" width="21" height="14" rx="4" fill="#ff0000"/>'
        '<path d="M10 9v6l5.2-3z" fill="#fff"/>'
    ),
    "telegram": (
        '<circle cx="12" cy="12" r="11" fill="#229ed9"/>'
        '<path d="M5.5 11.6l11.3-4.4c.5-.2 1 .1.8 1l-1.9 9c-.1.6-.5.8-1 .5l-2.9-2.1-1.4 1.3c-.2.2-.3.3-.6.3l.2-3 5.4-4.9c.2-.2 0-.3-.3-.1l-6.7 4.2-2.9-.9c-.6-.2-.6-.6.1-.9z" fill="#fff"/>'
    ),
    "whatsapp": (
        '<path d="M12 1.5A10.5 10.5 0 0 0 3 17.4L1.6 22.5l5.2-1.4A10.5 10.5 0 1 0 12 1.5z" fill="#25d366"/>'
        '<path d="M8.6 6.8c-.2-.5-.5-.5-.7-.5h-.6c-.2 0-.6.1-.9.4-.3.3-1.2 1.1-1.2 2.8s1.2 3.2 1.4 3.5c.2.2 2.3 3.6 5.6 4.9 2.8 1.1 3.3.9 4 .8.6-.1 2-.8 2.2-1.6.3-.8.3-1.4.2-1.6l-.6-.4-2-1c-.3-.1-.5-.2-.7.2l-.9 1.1c-.2.2-.3.2-.6.1a7.4 7.4 0 0 1-3.7-3.2c-.3-.5.3-.5.8-1.5.1-.2 0-.4 0-.5l-.9-2.2z" fill="#fff"/>'
    ),
    "tiktok": (
        '<rect x="1" y="1" width="22" height="22" rx="5" fill="#010101"/>'
        '<path d="M16.6 5.6a3.7 3.7 0 0 1-.9-2.1h-2.6v10.7a2.3 2.3 0 1 1-1.6-2.2V9.3a4.9 4.9 0 1 0 4.2 4.9V8.7a6 6 0 0 0 3.5 1.1V7.2c-.9 0-1.9-.5-2.6-1.6z" fill="#fff"/>'
    ),
    "vk": (
        '<rect x="1" y="1" width="22" height="22" rx="6" fill="#0077ff"/>'
        '<path d="M12.7 17c-5.2 0-8.2-3.6-8.3-9.5h2.6c.1 4.3 2 6.2 3.5 6.5V7.5h2.5v3.7c1.5-.2 3-1.9 3.6-3.7h2.4a7.3 7.3 0 0 1-3.3 4.7 7.6 7.6 0 0 1 3.9 4.8h-2.7a4.7 4.7 0 0 0-3.9-3.4V17z" fill="#fff"/>'
    ),
    "website": (
        '<circle cx="12" cy="12" r="10" fill="none" stroke="#555" stroke-width="1.8"/>'
        '<path d="M2 12h20M12 2c3 3 3 17 0 20M12 2c-3 3-3 17 0 20" fill="none" stroke="#555" stroke-width="1.5"/>'
    ),
}
ICONS["other"] = ICONS["website"]


# Built once: the directory shows thousands of icons, and formatting each is measurable.
ICON_MARKUP = {
    platform: mark_safe(  # noqa: S308 - constant markup above, no user input
        f'<svg class="icon icon-{platform}" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        f'focusable="false">{shapes}</svg>'
    )
    for platform, shapes in ICONS.items()
}


@register.simple_tag
def platform_icon(platform: str, label: str = ""):
    return ICON_MARKUP.get(platform, ICON_MARKUP["website"])


@register.simple_tag
def social_link_list(pages):
    """The directory's list of links of one organisation, built in Python: with a thousand
    branches this is most of the page, and a template loop per link is several times slower."""
    dead_label = _("did not open on the last checks")
    checking_label = _("this link is being checked")
    items = format_html_join(
        "",
        '<li><a href="{}" target="_blank" rel="noopener noreferrer" title="{}">{}<span>{}</span>{}</a>{}{}</li>',
        (
            (
                page.url,
                page.platform_label,
                platform_icon(page.platform),
                page.platform_label,
                format_html(' <span class="meta">{}</span>', page.display_handle) if page.display_handle else "",
                format_html(' <span class="badge badge-warn">{}</span>', dead_label) if page.link_is_dead else "",
                # The registry flagged the link (a post instead of a profile, a personal
                # profile …): a member is told before following it.
                format_html(' <span class="badge badge-warn">{}</span>', checking_label) if page.has_open_problems else "",
            )
            for page in pages
        ),
    )
    return format_html('<ul class="social-links">{}</ul>', items)


@register.simple_tag
def follower_chart(records, title=""):
    from branches.charts import follower_chart_svg

    return follower_chart_svg(records, with_table=True, title=title)
