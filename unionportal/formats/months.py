"""Month names in the form a date uses («1 желтоқсан», «1 декабря»).

Django's Kazakh catalog capitalises them («1 Желтоқсан 2026»), which Kazakh does not do
inside a date. Naming the msgids here puts them in the frame's catalog (`locale/`), which
comes before Django's own in LOCALE_PATHS, so our lower-case forms win; `make messages`
keeps them because this module uses them.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
