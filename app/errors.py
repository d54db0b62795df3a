"""Domain exceptions raised by services and mapped to responses by views."""


class DomainError(Exception):
    """Base of every error a service raises for the view to explain to the user."""


class NotAllowed(DomainError):
    """The user may not do this."""


class InvalidTransition(DomainError):
    """The workplan's status does not allow this change."""


class IncompleteWorkplan(DomainError):
    """The workplan fails the readiness check."""


class StaleEdit(DomainError):
    """Someone saved the same workplan since this form was loaded."""

    def __init__(self, message: str, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class InvalidSeed(DomainError):
    """A seed file does not have the expected shape."""


class RefusedChange(DomainError):
    """A change a form allowed but the plan's content does not; names the field to blame."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleRevision(DomainError):
    """An action named a revision that is no longer the latest."""
