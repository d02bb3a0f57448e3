"""The vocabulary of the permission matrix (`tests/test_permission_matrix.py`).

Every app lists its URLs in `tests/<app>/access.py` as `URL_CASES`, and for every admin
model that belongs to an organisation a maker in `ADMIN_RECORDS` ({Model: make(org)}).
The matrix requests each URL as each person and fails when a URL pattern has no case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

# The people of the matrix, as fixtures of tests/conftest.py.
PEOPLE = ["anonymous", "member", "outsider", "editor_a", "editor_b", "regional_staff", "chair"]
BRANCH_EDITOR = "branch_editor"
REGIONAL_STAFF = "regional_staff"
CHAIR = "chair"


@dataclass(frozen=True)
class UrlCase:
    """One URL and who may open it.

    `kwargs(world)` builds the URL arguments; `world` has `branch_a`, `branch_b` and
    `regional_org`, and records it makes should belong to branch A. With `scoped`, the
    editor of branch B must be refused (403 or 404) even when branch editors may open it.
    """

    name: str
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    public: bool = False
    roles: frozenset = field(default_factory=frozenset)
    scoped: bool = False
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    ok_statuses: tuple = (200,)
    query: str = ""

    def __str__(self):
        return self.name

    def expected(self, person: str) -> str:
        """'ok', 'login' or 'denied'."""
        if self.public:
            return "ok"
        if person == "anonymous":
            return "login"
        if person in ("member", "outsider"):
            return "denied"
        if person in ("editor_a", "editor_b"):
            if BRANCH_EDITOR not in self.roles:
                return "denied"
            if person == "editor_b" and self.scoped:
                return "denied"
            return "ok"
        return "ok" if person in self.roles else "denied"


FOUNDATION_CASES = [
    UrlCase("home", public=True),
    UrlCase("healthz", public=True, ok_statuses=(200, 503)),
    UrlCase("robots_txt", public=True),
    UrlCase("set_language", public=True, method="post", data=lambda w: {"language": "kk", "next": "/"}, ok_statuses=(302,)),
]
