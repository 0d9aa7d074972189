"""Demo city, supervision: an inspector register (民政 and partner departments) and one 双随机 plan
of the city's institutions, committed and drawn with a public random value, so the public page
has a draw to show and re-derive."""

from __future__ import annotations

import datetime as dt

from yanglao.accounts.models import User
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.supervision import services
from yanglao.supervision.codes import facility_pk_of
from yanglao.supervision.models import Inspector

DEPARTMENTS = ("市民政局", "市民政局", "市消防救援支队", "市卫生健康委", "市市场监管局")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"


def build_supervision(*, today: dt.date, progress) -> None:
    city = Region.objects.get(code="360200")
    for i in range(16):
        Inspector.objects.create(
            code=f"JC{i + 1:04d}",
            name=f"{SURNAMES[i]}检查员",
            department=DEPARTMENTS[i % len(DEPARTMENTS)],
            region=city,
        )
    clerk = User.objects.get(username="city")
    plan = services.plan_create(
        by=clerk,
        region=city,
        code=f"JDZ-{today:%Y-%m}-01",
        name=f"{today:%Y年%m月}养老机构服务安全随机抽查",
        item="养老机构服务安全基本规范（GB 38600-2019）执行情况",
        basis="GB 38600-2019；民政部养老服务领域“双随机、一公开”监管",
        share_percent=20,
        team_size=2,
        max_teams=3,
    )
    draw = services.draw_commit(by=clerk, plan=plan)
    drawn = services.draw_run(by=clerk, draw=draw, public_random="08 15 23 31 42")
    _inspect_first(clerk, drawn)
    home = Facility.objects.filter(type="private_home").order_by("pk").first()
    if home is not None:
        services.complaint_submit(
            channel="public_form",
            subject="institution",
            region=None,
            facility=home,
            content="探望时发现老人床单多日未换，护理员说人手不够。希望民政部门督促整改。",
            name="李女士",
        )
    progress(
        f"双随机：检查人员 16 人，抽中 {len(drawn.result['objects'])} 家机构，组队 {len(drawn.result['teams'])} 组"
    )


def _inspect_first(clerk, drawn) -> None:
    """The first institution drawn is inspected: everything in order but the drills (7-2), which
    becomes a rectification order for the institution to answer."""
    from yanglao.supervision.checklists import GB38600

    if not drawn.result["teams"]:
        return
    code = drawn.result["teams"][0]["object"]
    facility = Facility.objects.get(pk=facility_pk_of(code))
    # The drawn team's two inspectors sign with their own accounts (王科长 and 赵检查员).
    first, second = drawn.result["teams"][0]["inspectors"][:2]
    partner = User.objects.get(username="inspector")
    Inspector.objects.filter(code=first).update(user=clerk)
    Inspector.objects.filter(code=second).update(user=partner)
    inspection = services.inspection_start(by=clerk, facility=facility, draw=drawn)
    answers = {c: {"result": "pass"} for c, *_rest in GB38600["items"]}
    answers["7-2"] = {"result": "fail", "note": "本年度未组织消防疏散演练，无演练记录"}
    services.inspection_record(by=clerk, inspection=inspection, answers=answers)
    services.inspection_sign(by=clerk, inspection=inspection, cosigner=partner)


def build_oversight(*, today: dt.date, progress) -> None:
    """Prepaid-fee custody for two institutions (the first statement has a collection not moved
    into custody in time: an alert and a freeze), a decided grading and an open one, last year's
    evaluation, and the credit records these write."""
    from yanglao.facilities.models import INSTITUTION_TYPES
    from yanglao.supervision.grading import item_maxima

    clerk = User.objects.get(username="city")
    # The demo facility account's own institution is left without an account and a grading, for
    # a newcomer to register and upload a statement as the institution would.
    homes = list(
        Facility.objects.filter(type__in=INSTITUTION_TYPES, closed_on__isnull=True)
        .exclude(staff__user__username="facility")
        .order_by("pk")[:2]
    )
    if len(homes) < 2:
        return
    accounts = [
        services.account_open(
            by=clerk,
            facility=home,
            bank=bank,
            account_tail=tail,
            floor_fen=5_000_000,
            net_fixed_assets_fen=800_000_000,
            monthly_bed_fen=150_000,
            monthly_care_fen=120_000,
            monthly_meal_fen=60_000,
            opened_on=today - dt.timedelta(days=400),
        )
        for home, bank, tail in (
            (homes[0], "中国建设银行", "3021"),
            (homes[1], "中国工商银行", "7745"),
        )
    ]
    start = today - dt.timedelta(days=40)
    while start.weekday() != 0:  # a Monday, so "next working day" reads plainly
        start -= dt.timedelta(days=1)
    lines = [
        "日期,类别,金额（元）,老人编号,收费项目,关联号",
        f"{start},收取,80000.00,,,开户存入",
        f"{start},收取,4500.00,R001,床位费,",
        f"{start + dt.timedelta(days=1)},账户外收取,3300.00,R002,照料护理费,T1",
        f"{start + dt.timedelta(days=2)},转入托管账户,3300.00,R002,,T1",
        f"{start + dt.timedelta(days=3)},账户外收取,2700.00,R003,餐费,T2",
        f"{start + dt.timedelta(days=9)},转入托管账户,2700.00,R003,,T2",
        f"{start + dt.timedelta(days=10)},服务支出,1500.00,R001,床位费,",
    ]
    services.statement_upload(
        by=clerk,
        account=accounts[0],
        data="\n".join(lines).encode("utf-8"),
        filename="流水.csv",
    )
    graded = services.grading_apply(by=clerk, facility=homes[0])
    scores = {c: round(m * 0.86, 1) for c, m in item_maxima(graded.sheet.sheet).items()}
    services.grading_score(
        by=clerk, grading=graded, scores=scores, experts="张专家、刘专家、陈专家"
    )
    services.grading_decide(by=clerk, grading=graded)
    services.grading_apply(by=clerk, facility=homes[1])
    services.evaluation_run(by=clerk, facility=homes[0], year=today.year - 1)
    from yanglao.supervision.models import Rectification

    order = Rectification.objects.order_by("pk").first()
    if order is not None:
        services.case_open(
            by=clerk,
            facility=order.facility,
            source=f"rectification:{order.pk}",
            summary=f"{order.item_text}：{order.finding}",
        )
    services.plan_record(
        by=clerk,
        facility=homes[0],
        kind="accident",
        title="火灾事故应急预案",
        approved_on=today - dt.timedelta(days=200),
    )
    services.drill_record(
        by=clerk,
        facility=homes[0],
        kind="accident",
        held_on=today - dt.timedelta(days=30),
        staff=18,
        residents=42,
        findings="夜班疏散用时 6 分钟，超过 5 分钟目标；二楼疏散指示灯不亮",
        supplies_ok=False,
        supplies_note="应急照明 3 盏电池失效",
    )
    progress(
        "监管：托管账户 2 个（1 个预警冻结），等级评定 2 项，年度评价 1 项，立案 1 件，"
        "应急预案与演练 1 家"
    )
