"""Django's admin builds its Russian titles and messages from a model's name in the
nominative («Добавить публикация», «публикация … был успешно добавлен»). Two fixes:

- titles take the name in the accusative, looked up in the catalog under the context
  "accusative" (`admin_title` in unionportal/templatetags/content_language.py, used by
  templates/admin/change_form.html and change_list.html): «Добавить публикацию»,
  «Выберите публикацию для изменения». A name with no accusative entry is used as it is
  (neuter and inanimate masculine nouns read right already);
- messages are reworded in the frame catalog (locale/ru) so they need no gender:
  «Добавлено: обращение «…».». The msgids are listed here so makemessages keeps them.
"""

from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

# Only names whose accusative differs from the nominative need an entry in the catalogs.
ACCUSATIVE_NAMES = [
    pgettext_lazy("accusative", "user"),
    pgettext_lazy("accusative", "organisation"),
    pgettext_lazy("accusative", "social page"),
    pgettext_lazy("accusative", "entry"),
    pgettext_lazy("accusative", "follower"),
    pgettext_lazy("accusative", "draw"),
    pgettext_lazy("accusative", "winner"),
    pgettext_lazy("accusative", "comment import"),
    pgettext_lazy("accusative", "programme or rubric"),
    pgettext_lazy("accusative", "speaker"),
    pgettext_lazy("accusative", "newspaper subscription"),
    pgettext_lazy("accusative", "rubric"),
    pgettext_lazy("accusative", "topic"),
    pgettext_lazy("accusative", "publication"),
    pgettext_lazy("accusative", "spreadsheet upload"),
]

DJANGO_ADMIN_MESSAGES = [
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Add another %(verbose_name)s"),
]


def accusative(opts) -> str:
    """The model's name as the object of «Добавить …», «Выберите … для изменения»."""
    raw = opts.verbose_name_raw
    found = pgettext("accusative", raw)
    return str(opts.verbose_name) if found == raw else found


def admin_title(*, title, opts, add=False, change=False, has_change_permission=True, changelist=False):
    """`title` with the model's name in the accusative, where it is Django's own title."""
    if not opts or not title:
        return title
    name, acc = str(opts.verbose_name), accusative(opts)
    if changelist:
        candidates = ["Select %s to change", "Select %s to view"]
    elif add:
        candidates = ["Add %s"]
    else:
        candidates = ["Change %s", "View %s"]
    for pattern in candidates:
        if str(title) == gettext(pattern) % name:
            return gettext(pattern) % acc
    return title
