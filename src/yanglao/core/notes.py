"""Facts about the signed-in user worked out once, then kept on the user object.

A page or API call asks "which provider does this 服务商管理员 work for?" several times; the answer
is kept on the request's user object. A user a bearer token was trusted for
(`accounts.services.api_token_user`) also carries `_trusted_notes`: a dict shared by the copies
of that user handed to the requests of one trust window, so such a fact is read once per window
(`YANGLAO_API_TOKEN_CACHE_SECONDS`) rather than once per request. Keep only facts whose staleness
for that long is acceptable, and treat what is kept as read-only: it is shared between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

TRUSTED_NOTES = "_trusted_notes"


def user_note(
    user, name: str, work_out: Callable[[], T], *, for_the_window: bool = True
) -> T:
    """`user.<name>`, worked out with `work_out()` the first time it is asked for; kept for the
    token's trust window too unless `for_the_window` is False (a fact that must change at once,
    such as a revoked family link)."""
    own = user.__dict__
    if name in own:
        return own[name]
    shared = own.get(TRUSTED_NOTES) if for_the_window else None
    if shared is not None and name in shared:
        value = shared[name]
    else:
        value = work_out()
        if shared is not None:
            shared[name] = value
    own[name] = value
    return value
