"""What can be counted over ability assessments (core.measures): people aged 65+ on the register
and those of them with a completed assessment by the period's end (邵阳: 完成对65周岁以上老年人的
能力综合评估)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from yanglao.assessments.models import Assessment, Status
from yanglao.core.measures import Measure, Member
from yanglao.elders.selectors import (
    birth_range_for_ages,
    on_register_q,
    people_counted_by_region,
    people_matching,
)


def _aged_65(end: dt.date) -> Q:
    return on_register_q(end) & birth_range_for_ages(65, None, end)


def _people(assessed: bool):
    def q_of(end):
        q = _aged_65(end)
        if assessed:
            q &= Q(
                pk__in=Assessment.objects.filter(
                    status=Status.COMPLETED, assessed_on__lte=end
                ).values("elder_id")
            )
        return q

    def count(start, end):
        return people_counted_by_region(q_of(end))

    def members(start, end, region_ids):
        for e in people_matching(q_of(end), region_ids):
            yield Member(
                f"elder:{e.pk}", e.name, e.residence_region_id, f"/elders/{e.pk}/"
            )

    return count, members


MEASURES = (
    Measure("assessments.aged_65", "65周岁及以上在册老年人数", "人", *_people(False)),
    Measure(
        "assessments.aged_65_assessed", "其中已完成能力评估的人数", "人", *_people(True)
    ),
)
