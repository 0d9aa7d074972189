"""居家适老化改造 as rules (issue 25 §1). Pure module: no Django import.

The national recommended list of modification items and aids (民政部等九部门《关于加快实施老年人
居家适老化改造工程的指导意见》民发〔2020〕86号, 附件《老年人居家适老化改造项目和老年用品配置推荐
清单》): seven parts, 30 items, of which 7 are 基础类 — the items the government subsidises for
special-hardship households — and 23 可选类, bought at the family's choice. It is shipped as
versioned data; a bureau adds local items and sets prices in its price list.

A project moves 已申请 → 已入户评估 → 施工中 → 待验收 → 已验收 (or 已撤销 before acceptance);
the plan's subsidised part never exceeds the ceiling of the bureau's programme.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKLIST_VERSION = "民发〔2020〕86号"

PARTS = {
    "floor": "地面改造",
    "door": "门改造",
    "bedroom": "卧室改造",
    "bathroom": "如厕洗浴设备改造",
    "kitchen": "厨房设备改造",
    "environment": "物理环境改造",
    "aids": "老年用品配置",
}


@dataclass(frozen=True)
class Item:
    code: str
    part: str
    name: str
    basic: bool  # 基础类: subsidised first for special-hardship households
    unit: str = "项"
    device_type: str = ""  # an installed device that registers in the terminals module


NATIONAL_ITEMS: tuple[Item, ...] = (
    Item("F01", "floor", "防滑处理", True, "平方米"),
    Item("F02", "floor", "高差处理", True),
    Item("F03", "floor", "平整硬化", False, "平方米"),
    Item("F04", "floor", "安装扶手", False, "米"),
    Item("D01", "door", "门槛移除", False, "处"),
    Item("D02", "door", "平开门改为推拉门", False, "樘"),
    Item("D03", "door", "房门拓宽", False, "樘"),
    Item("D04", "door", "下压式门把手改造", False, "个"),
    Item("D05", "door", "安装闪光振动门铃", False, "个"),
    Item("B01", "bedroom", "配置护理床", False, "张"),
    Item("B02", "bedroom", "安装床边护栏（抓杆）", True, "个"),
    Item("B03", "bedroom", "配置防压疮垫", False, "个"),
    Item("W01", "bathroom", "安装扶手", True, "个"),
    Item("W02", "bathroom", "蹲便器改坐便器", False, "个"),
    Item("W03", "bathroom", "水龙头改造", False, "个"),
    Item("W04", "bathroom", "浴缸/淋浴房改造", False),
    Item("W05", "bathroom", "配置淋浴椅", True, "把"),
    Item("K01", "kitchen", "台面改造", False),
    Item("K02", "kitchen", "加装中部柜", False, "个"),
    Item("E01", "environment", "安装自动感应灯具", False, "个"),
    Item("E02", "environment", "电源插座及开关改造", False, "个"),
    Item("E03", "environment", "安装防撞护角/防撞条", False, "米"),
    Item("E04", "environment", "适老地面/墙面提示标识", False, "处"),
    Item("A01", "aids", "手杖", True, "根"),
    Item("A02", "aids", "轮椅/助行器", False, "台"),
    Item("A03", "aids", "放大装置", False, "个"),
    Item("A04", "aids", "助听器", False, "个"),
    Item("A05", "aids", "自助器具", False, "套"),
    Item("A06", "aids", "防走失装置", True, "个", "watch"),
    Item("A07", "aids", "安全监控装置（紧急呼叫器）", False, "个", "sos_pager"),
    Item("A08", "aids", "安全监控装置（烟雾/燃气报警器）", False, "个", "smoke"),
)

BY_CODE = {i.code: i for i in NATIONAL_ITEMS}


class State:
    APPLIED = "applied"
    ASSESSED = "assessed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


STATE_NAMES = {
    State.APPLIED: "已申请，待入户评估",
    State.ASSESSED: "已入户评估，待出方案",
    State.IN_PROGRESS: "施工中",
    State.COMPLETED: "施工完成，待验收",
    State.ACCEPTED: "已验收",
    State.WITHDRAWN: "已撤销",
}

# step → (states it may be taken from, the state it leads to)
STEPS = {
    "assess": ((State.APPLIED, State.ASSESSED), State.ASSESSED),
    "plan": ((State.ASSESSED,), State.IN_PROGRESS),
    "complete": ((State.IN_PROGRESS,), State.COMPLETED),
    "accept": ((State.COMPLETED,), State.ACCEPTED),
    "withdraw": (
        (State.APPLIED, State.ASSESSED, State.IN_PROGRESS, State.COMPLETED),
        State.WITHDRAWN,
    ),
}
STEP_NAMES = {
    "assess": "入户评估",
    "plan": "改造方案",
    "complete": "施工完成",
    "accept": "验收",
    "withdraw": "撤销",
}


def step_problem(step: str, state: str) -> str:
    """Why `step` cannot be taken from `state` ('' when it can)."""
    allowed, _to = STEPS[step]
    if state in allowed:
        return ""
    return f"项目状态为“{STATE_NAMES.get(state, state)}”，不能办理{STEP_NAMES[step]}"


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    quantity: int
    unit_price_fen: int
    subsidised: bool

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_price_fen


@dataclass(frozen=True)
class Plan:
    total_fen: int
    subsidy_fen: int
    self_pay_fen: int


def plan_totals(lines: list[Line], *, share_percent: int, ceiling_fen: int) -> Plan:
    """The plan's cost, the subsidy (the programme's share of the subsidised lines, whole 分,
    rounded down) and what the family pays. Raises ValueError naming the problem when the
    subsidy would exceed the ceiling — the plan is changed, never silently cut."""
    total = sum(line.total_fen for line in lines)
    subsidised = sum(line.total_fen for line in lines if line.subsidised)
    subsidy = subsidised * share_percent // 100
    if subsidy > ceiling_fen:
        raise ValueError(
            f"补贴部分 {subsidy / 100:,.2f} 元超过每户补贴上限 {ceiling_fen / 100:,.2f} 元，"
            "请调整方案（减少补贴项目或改为自费）"
        )
    return Plan(total, subsidy, total - subsidy)
