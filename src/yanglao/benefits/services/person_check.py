""" "Check this person": what every programme in force decides for one older person this month,
condition by condition (the application page's ✓/✗ panel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.utils import timezone

from yanglao.benefits import rules, selectors
from yanglao.benefits.models import (
    Application,
    Programme,
)
from yanglao.core.errors import NotInScope
from yanglao.core.scope import region_path_allowed
from yanglao.elders.models import Elder

# --- evaluating one person (test panel, application review) ---------------------------------------


def check_person(
    *, by, elder: Elder, month: dt.date
) -> list[tuple[Programme, rules.Decision | None, bool]]:
    """What every programme in force would decide for `elder` in `month`, in evaluation order
    (an earlier programme received can exclude a later one), and whether an application is on
    file where one is needed. Read-only; the page's "check this person" panel."""
    if not region_path_allowed(by, elder.residence_region.path):
        raise NotInScope
    day = month.replace(day=1)
    names = selectors.programme_names()
    facts = selectors.person_facts(elder, day)
    receiving: set[str] = set()
    results = []
    for programme in selectors.programmes_for(elder.residence_region):
        version = selectors.version_in_force(programme, day)
        if version is None:
            results.append((programme, None, False))
            continue
        policy = selectors.policy_of(version, names)
        decision = rules.evaluate(policy, _with_receiving(facts, receiving), day)
        enrolled = not programme.needs_application or bool(
            len(selectors.enrolled(programme, day, [elder.pk]))
        )
        if decision.eligible and enrolled:
            receiving.add(programme.code)
        results.append((programme, decision, enrolled))
    return results


def _unmet_conditions(by, application: Application) -> list[str]:
    """The programme's conditions the person does not meet this month (the ✗ lines the
    application page shows). Approving against them takes a reason (issue 20, finding 8)."""
    month = timezone.localdate().replace(day=1)
    for programme, decision, _enrolled in check_person(
        by=by, elder=application.elder, month=month
    ):
        if programme.pk == application.programme_id and decision is not None:
            return [why for why, ok in decision.explanation if not ok]
    return []


def _with_receiving(facts: rules.Facts, receiving) -> rules.Facts:
    return replace(facts, receiving=frozenset(receiving))
