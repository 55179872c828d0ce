"""Domain errors. Handlers turn each into a kind, translated answer."""


class DomainError(Exception):
    """Something the user asked for cannot be done as asked."""


class NotFound(DomainError):
    """The thing referred to does not exist (any more)."""


class NotAllowed(DomainError):
    """The person may not do this (not her case, not staff)."""


class AlreadyDone(DomainError):
    """The action was already taken (closed twice, joined twice)."""


class InvalidInput(DomainError):
    """What was sent cannot be used (empty, too long, wrong kind)."""
