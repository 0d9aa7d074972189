"""居家适老化改造 (issue 25 §1) end to end on the services: a community worker files the
application from a visit's finding (the follow-up closes), the assessor sent to the home ticks
the checklist with a photo before, the street prices the plan within the ceiling and names the
contractor, the contractor completes with a photo after and the alarm device's serial, staff
accept with the family's confirmation — the device is registered to the person and the subsidy
is a claim that the next cycle pays with its explanation. Refused with the reason, writing
nothing: a person the rules do not cover, a plan above the ceiling, an optional item subsidised,
acceptance without confirmation or photos after, completion by another firm."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yanglao.alarms.models import Device
from yanglao.benefits import services as benefits
from yanglao.benefits.models import Claim, Cycle, Entitlement
from yanglao.conftest import make_user
from yanglao.core.errors import NotInScope, ValidationFailed
from yanglao.elders.services import category_add
from yanglao.homesupport import services
from yanglao.homesupport.models import ModificationProject, ProjectStep
from yanglao.visits.models import FollowUp

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = timezone.localdate()


def photo(name="p.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


@pytest.fixture
def poor(users, make_elder):
    person = make_elder(name="改造甲", birth=dt.date(1944, 2, 2))
    category_add(
        by=users["alice"],
        elder=person,
        category="dibao",
        start_date=dt.date(2024, 1, 1),
    )
    return person


def _finding(person, regions, users, finding="跌倒风险"):
    from yanglao.visits.models import RosterEntry, Visit

    entry = RosterEntry.objects.create(
        elder=person, month=TODAY.replace(day=1), region=regions["tangping"]
    )
    visit = Visit.objects.create(
        entry=entry,
        elder=person,
        visitor=users["carol"],
        visited_at=timezone.now(),
        kind="home",
        findings=[finding],
        client_id=f"v-{person.pk}",
    )
    return FollowUp.objects.create(
        visit=visit,
        elder=person,
        region=regions["tangping"],
        finding=finding,
        route=FollowUp.Route.COMMUNITY,
    )


def _to_in_progress(users, regions, poor, contractor, assessor, follow_up=None):
    project = services.project_apply(
        by=users["carol"],
        elder=poor,
        source="community",
        applicant_name="改造甲之子",
        assessor=assessor,
        follow_up=follow_up,
    )
    services.project_photo_add(
        by=assessor, project=project, stage="before", photo=photo()
    )
    services.project_assess(
        by=assessor,
        project=project,
        needs={
            "W01": "卫生间无扶手",
            "F01": "地面湿滑",
            "A07": "独居无呼叫器",
            "W02": "蹲便",
        },
    )
    street = make_user("sj", "street", regions["street"])
    services.project_plan(
        by=street,
        project=project,
        lines={
            "W01": (2, True),
            "F01": (6, True),
            "A07": (1, False),
            "W02": (1, False),
        },
        contractor=contractor[0],
    )
    project.refresh_from_db()
    return project


def test_from_a_visit_finding_to_the_subsidy_in_the_next_cycle(
    users, regions, poor, shilaohua, contractor, assessor
):
    follow_up = _finding(poor, regions, users)
    project = _to_in_progress(users, regions, poor, contractor, assessor, follow_up)
    follow_up.refresh_from_db()
    assert follow_up.status == "closed" and project.number in follow_up.note
    assert project.source == "visit" and project.state == "in_progress"
    # 2×150 + 6×80 subsidised; 蹲改坐 600 and the alarm 250 at the family's cost
    assert (project.subsidy_fen, project.total_fen) == (78000, 78000 + 85000)
    assert project.self_pay_fen == 85000
    firm, builder = contractor
    with pytest.raises(ValidationFailed) as exc:
        services.project_complete(by=builder, project=project, serials={"A07": "SOS-9"})
    assert exc.value.errors == {"photo": "请先上传至少一张改造后照片"}
    services.project_photo_add(
        by=builder, project=project, stage="after", photo=photo()
    )
    with pytest.raises(ValidationFailed) as exc:
        services.project_complete(by=builder, project=project, serials={})
    assert "serials.A07" in exc.value.errors
    services.project_complete(by=builder, project=project, serials={"A07": "SOS-9"})
    project.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        services.project_accept(
            by=users["carol"],
            project=project,
            confirmed=False,
            confirmed_by="",
            relation="",
        )
    assert set(exc.value.errors) == {"confirmed", "confirmed_by", "relation"}
    assert project.state == "completed" and not Claim.objects.exists()
    services.project_accept(
        by=users["carol"],
        project=project,
        confirmed=True,
        confirmed_by="改造甲之子",
        relation="儿子",
    )
    project.refresh_from_db()
    assert project.state == "accepted" and project.accepted_on == TODAY
    device = Device.objects.get(serial="SOS-9")
    assert device.elder_id == poor.pk and device.type == "sos_pager"
    claim = Claim.objects.get()
    assert claim.amount_fen == 78000 and claim.elder_id == poor.pk
    # The next cycle pays it, with its explanation, and only once.
    cycle = benefits.cycle_start(by=users["alice"], month=TODAY, region=regions["city"])
    cycle = benefits.cycle_run(cycle.pk)
    assert cycle.status == Cycle.Status.COMPUTED, cycle.error
    (row,) = Entitlement.objects.filter(cycle=cycle, kind="item")
    assert row.amount_fen == 78000 and row.elder_id == poor.pk
    assert (
        project.number in row.explanation and "安装扶手 2个×150.00元" in row.explanation
    )
    assert (row.city_fen, row.county_fen) == (39000, 39000)
    assert cycle.totals["programmes"]["居家适老化改造补贴"] == [1, 78000]
    steps = list(
        ProjectStep.objects.filter(project=project).values_list("step", flat=True)
    )
    assert steps == ["apply", "assess", "plan", "complete", "accept"]


def test_a_person_the_rules_do_not_cover_is_refused_with_the_condition(
    users, make_elder, shilaohua
):
    rich = make_elder(name="不符甲", birth=dt.date(1944, 2, 2))
    with pytest.raises(ValidationFailed) as exc:
        services.project_apply(
            by=users["carol"], elder=rich, source="self", applicant_name="不符甲"
        )
    assert exc.value.errors["elder"].startswith("不符合居家适老化改造补贴条件：属于")
    assert not ModificationProject.objects.exists()


def test_a_plan_above_the_ceiling_or_subsidising_an_optional_item_is_refused(
    users, regions, poor, shilaohua, contractor, assessor
):
    project = services.project_apply(
        by=users["carol"],
        elder=poor,
        source="family",
        applicant_name="家属",
        assessor=assessor,
    )
    services.project_photo_add(
        by=assessor, project=project, stage="before", photo=photo()
    )
    services.project_assess(by=assessor, project=project, needs={"F01": "", "W02": ""})
    street = make_user("sj", "street", regions["street"])
    with pytest.raises(ValidationFailed) as exc:
        services.project_plan(
            by=street,
            project=project,
            lines={"F01": (40, True)},
            contractor=contractor[0],
        )
    assert exc.value.errors == {
        "lines": "补贴部分 3,200.00 元超过每户补贴上限 3,000.00 元，请调整方案（减少补贴项目或改为自费）"
    }
    with pytest.raises(ValidationFailed) as exc:
        services.project_plan(
            by=street,
            project=project,
            lines={"W02": (1, True)},
            contractor=contractor[0],
        )
    assert exc.value.errors == {"lines.W02": "蹲便器改坐便器是可选类项目，由家庭自费"}
    project.refresh_from_db()
    assert project.state == "assessed" and project.subsidy_fen == 0


def test_only_the_contractor_completes_and_the_assessor_only_their_home(
    users, regions, poor, shilaohua, contractor, assessor, make_elder
):
    project = _to_in_progress(users, regions, poor, contractor, assessor)
    other_boss = make_user("other", "provider_admin", None)
    with pytest.raises(NotInScope):
        services.project_complete(by=other_boss, project=project, serials={"A07": "X1"})
    second = make_elder(name="改造乙", birth=dt.date(1940, 1, 1))
    category_add(by=users["alice"], elder=second, category="tekun", start_date=TODAY)
    mine = services.project_apply(
        by=users["carol"], elder=second, source="self", applicant_name="改造乙"
    )
    with pytest.raises(ValidationFailed):
        services.project_photo_add(
            by=assessor, project=mine, stage="before", photo=photo()
        )
    # one open project per person
    with pytest.raises(ValidationFailed) as exc:
        services.project_apply(
            by=users["carol"], elder=second, source="self", applicant_name="改造乙"
        )
    assert exc.value.errors == {"elder": f"这位老人已有未完成的改造项目 {mine.number}"}
