"""An assessment agency in 珠山区 with three assessors, and a helper to fill a whole form."""

from __future__ import annotations

import pytest

from yanglao.assessments import services
from yanglao.assessments.instrument import GBT_42195_2022
from yanglao.conftest import make_user


@pytest.fixture
def agency(users, regions):
    agency = services.agency_create(
        by=users["alice"], name="珠山区评估中心", region="360203"
    )
    team = []
    for name in ("ann", "ben", "cat"):
        user = make_user(name, "community", None)
        team.append(
            services.assessor_register(by=users["alice"], agency=agency, user=user)
        )
    agency.team = team
    return agency


def full_answers(score: int | None = None) -> dict:
    """Every item at its best option (or `score`, capped at each item's maximum)."""
    return {
        "items": {
            item.code: item.max_score if score is None else min(score, item.max_score)
            for item in GBT_42195_2022.items
        }
    }
