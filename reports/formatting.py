"""How figures read: whole numbers with the language's digit grouping, measures to one decimal."""

from django.utils.formats import number_format


def fmt(value, *, unit: str = "") -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        text = number_format(int(value), force_grouping=True)
    else:
        text = number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"
