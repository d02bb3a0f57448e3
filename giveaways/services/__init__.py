"""Every change to a giveaway goes through here, one module per concern: its week
(`schedule`: creating, opening with a seed commitment, editing, cancelling, next week's),
its entries (`entries`: pasted and fetched comments, eligibility, followers) and the draw
(`draw`: the close that freezes the list, the one draw, redraws). Views, the admin, tasks
and the demo use `from giveaways import services` and the names below."""

from giveaways.services.draw import (
    giveaway_close,
    giveaway_draw,
    giveaways_close_due,
    giveaways_draw_due,
    winner_redraw,
)
from giveaways.services.entries import (
    entries_add_fetched,
    entries_import,
    entries_mark_follower,
    followers_import,
    own_handles,
    recent_winner_handles,
)
from giveaways.services.schedule import (
    FRIDAY,
    giveaway_cancel,
    giveaway_create,
    giveaway_open,
    giveaway_save,
    giveaways_create_next,
    local_date,
    next_friday,
)

__all__ = [
    "FRIDAY",
    "entries_add_fetched",
    "entries_import",
    "entries_mark_follower",
    "followers_import",
    "giveaway_cancel",
    "giveaway_close",
    "giveaway_create",
    "giveaway_draw",
    "giveaway_open",
    "giveaway_save",
    "giveaways_close_due",
    "giveaways_create_next",
    "giveaways_draw_due",
    "local_date",
    "next_friday",
    "own_handles",
    "recent_winner_handles",
    "winner_redraw",
]
