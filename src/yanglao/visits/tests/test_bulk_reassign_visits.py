"""Issue 21 §6: the community hands several people's visits to one worker at once; an entry the
worker cannot take (a 社区/村 they do not serve) is named in the summary and left as it was."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yanglao.conftest import client_for, make_user
from yanglao.visits import services
from yanglao.visits.models import RosterEntry

pytestmark = pytest.mark.django_db


def test_several_entries_to_one_worker(users, make_elder, regions):
    for name in ("独居甲", "独居乙"):
        make_elder(name=name, living_arrangement="alone", lat=29.3, lng=117.2)
    make_elder(name="新村丙", region="xincun", living_arrangement="alone")
    services.roster_build(month=timezone.localdate().replace(day=1))
    grid2 = make_user("grid2", "community", regions["tangping"])
    bob = client_for(users["bob"])  # 珠山区: both 社区 are his
    assert 'id="bulk"' in bob.get("/visits/plan/").content.decode()
    entries = {e.elder.name: e for e in RosterEntry.objects.select_related("elder")}
    response = bob.post(
        "/visits/plan/assign/",
        {"visitor": grid2.pk, "entry": [e.pk for e in entries.values()]},
        follow=True,
    )
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == "已改由 grid2 探访 2 条，1 条未办理"
    assert said[1].startswith("新村丙：探访人须是负责该社区/村的工作人员")
    assigned = RosterEntry.objects.filter(visitor=grid2)
    assert sorted(assigned.values_list("elder__name", flat=True)) == [
        "独居乙",
        "独居甲",
    ]
    assert RosterEntry.objects.get(elder__name="新村丙").visitor != grid2


def test_a_visitor_from_outside_the_area_is_refused(users, make_elder, regions):
    make_elder(name="独居甲", living_arrangement="alone")
    services.roster_build(month=timezone.localdate().replace(day=1))
    far = make_user("far", "community", regions["jiucheng"])
    entry = RosterEntry.objects.get()
    response = client_for(users["carol"]).post(
        "/visits/plan/assign/", {"visitor": far.pk, "entry": [entry.pk]}, follow=True
    )
    assert "探访人：请选择本社区/村的工作人员" in response.content.decode()
    entry.refresh_from_db()
    assert entry.visitor != far
