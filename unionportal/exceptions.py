"""Domain errors. Services raise them; views turn them into a form error or a message."""


class ApplicationError(Exception):
    """A rule of the domain was broken; `message` is for the user, already translated."""

    def __init__(self, message, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class AccessDenied(ApplicationError):
    """The user may not do this to this object."""


class DuplicateError(ApplicationError):
    """The record exists already; `extra["existing"]` holds it."""
