"""投诉 that arise in a lower app — a family's complaint about a home-care order — flow into the one
complaint list the bureau keeps (supervision, an upper app). core names no app's tables: the
keeping app registers a sink in its ready(); the lower app forwards to it."""

from __future__ import annotations

from collections.abc import Callable

Sink = Callable[..., None]
_SINKS: list[Sink] = []


def register(sink: Sink) -> None:
    if sink not in _SINKS:
        _SINKS.append(sink)


def forward(
    *, provider_id: int, subject_name: str, region, content: str, source: str, by
) -> None:
    """Hand a complaint about a provider to the complaint list (every registered sink)."""
    for sink in _SINKS:
        sink(
            provider_id=provider_id,
            subject_name=subject_name,
            region=region,
            content=content,
            source=source,
            by=by,
        )
