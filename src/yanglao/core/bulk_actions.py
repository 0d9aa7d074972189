"""Acting on many rows at once (issue 21 §6): each row is checked by the same service as one row,
in its own savepoint, so a refused row changes nothing and the others still go through; the
person gets a summary with every refused row and its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from yanglao.core.digits import ascii_digits
from yanglao.core.errors import NotInScope, ValidationFailed

MAX_ROWS = 200  # per submission: a page at the largest page size


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)

    def summary(self, verb: str) -> str:
        text = f"{verb} {len(self.done)} 条"
        if self.refused:
            text += f"，{len(self.refused)} 条未办理"
        return text


def run_each(
    rows: Iterable[Any], act: Callable[[Any], Any], label: Callable[[Any], str]
) -> BulkOutcome:
    outcome = BulkOutcome()
    for row in rows:
        try:
            with transaction.atomic():
                act(row)
        except NotInScope:
            outcome.refused.append((label(row), "不在您的管理范围内"))
        except ValidationFailed as exc:
            outcome.refused.append((label(row), "；".join(exc.errors.values())))
        else:
            outcome.done.append(label(row))
    return outcome


def chosen_ids(values: list[str]) -> list[int]:
    """The ticked rows' ids, in order, once each; anything but a positive id is dropped."""
    ids = []
    for value in values[: MAX_ROWS * 2]:
        if ascii_digits(value) and 0 < int(value) < 2**63:
            ids.append(int(value))
    return list(dict.fromkeys(ids))[:MAX_ROWS]
