"""The rules of entry, as one pure function (no database), so the bench and the services
apply the very same rules."""

from dataclasses import dataclass

MIN_TAGS = 3

# Reason codes, in the order they are shown; `choices.IneligibleReason` labels them.
OWN_ACCOUNT = "own_account"
TOO_FEW_TAGS = "too_few_tags"
NOT_FOLLOWER = "not_follower"
RECENT_WINNER = "recent_winner"


@dataclass(frozen=True)
class Verdict:
    valid_tags: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def evaluate(
    *,
    author: str,
    tags,
    own_handles: frozenset | set,
    followers: frozenset | set,
    marked_follower: bool,
    recent_winners: frozenset | set,
) -> Verdict:
    """Which tags count and why the entry is out, if it is.

    A tag counts when it is distinct, not the author and not one of the organisation's own
    accounts (tagging the page itself is not tagging a member).
    """
    valid = tuple(dict.fromkeys(t for t in tags if t != author and t not in own_handles))
    reasons = []
    if author in own_handles:
        reasons.append(OWN_ACCOUNT)
    if len(valid) < MIN_TAGS:
        reasons.append(TOO_FEW_TAGS)
    if not (marked_follower or author in followers):
        reasons.append(NOT_FOLLOWER)
    if author in recent_winners:
        reasons.append(RECENT_WINNER)
    return Verdict(valid_tags=valid, reasons=tuple(reasons))
