"""One error type for refused input, so pages, API and importers report it the same way."""

from __future__ import annotations


class ValidationFailed(Exception):
    """Input refused; `errors` maps a field name to a Chinese reason. Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotInScope(Exception):
    """The object does not exist for this user (outside their area): pages and API answer 404."""
