"""Domain errors, raised deep inside and translated once at the edges.

The web layer maps each class to one HTTP status in a single exception handler;
the CLI maps them to a message and a non-zero exit code. Messages here are safe
to show to the person who caused them: they never carry a model's identity.
"""

from __future__ import annotations


class ArenaError(Exception):
    """Base of every error Arena expects and explains."""

    status_code = 400


class InvalidInput(ArenaError):
    status_code = 422


class NotFound(ArenaError):
    status_code = 404


class TooLarge(ArenaError):
    status_code = 413


class Conflict(ArenaError):
    status_code = 409


class RateLimited(ArenaError):
    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(ArenaError):
    status_code = 401


class Forbidden(ArenaError):
    status_code = 403


class ServiceUnavailable(ArenaError):
    status_code = 503


class RegistryError(ArenaError):
    """The model registry file is unreadable or invalid."""


class ProviderError(ArenaError):
    """A model failed to answer. The message is for logs only, never for clients."""

    status_code = 502


class ProviderUnavailable(ProviderError):
    """A model cannot be used at all (missing key, missing file, endpoint down)."""
