"""A clerk imports a messy roster: every wrong row named with its reason, nothing written until the
whole file is right; then it imports in one go, and importing it again changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from yanglao.conftest import valid_id
from yanglao.core.errors import ValidationFailed
from yanglao.core.models import AuditEntry
from yanglao.elders.models import Contact, Elder, ElderCategory
from yanglao.imports import services
from yanglao.imports.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    " 姓名 ",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "所属社区/村",
    "现居住地址",
    "居住情况",
    "类别",
    "联系人姓名",
    "联系人关系",
    "联系人电话",
]


def xlsx(rows, *, title_row=True, merge=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    if title_row:
        sheet.append(["塘坪社区老年人花名册（2026年11月）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows():
    a = valid_id("360203", dt.date(1945, 3, 8), 2)  # 女
    b = valid_id("360203", dt.date(1938, 7, 1), 5)  # 男
    return [
        [
            1,
            "王秀英",
            a,
            "女",
            dt.datetime(1945, 3, 8),
            "13807980001",
            "塘坪社区",
            "塘坪社区12号",
            "独居",
            "低保、失智",
            "李明",
            "儿子",
            "13907980002",
        ],
        [
            2,
            "张建国",
            b.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "男",
            14062,
            "",
            "360203001002",
            "",
            "空巢",
            "",
            "",
            "",
            "",
        ],
    ]


def run(users, data: bytes, who="bob", name="roster.xlsx") -> ImportJob:
    job = services.import_upload(
        by=users[who], kind="elders", file_name=name, data=data
    )
    return services.import_check(job=job)


def test_a_good_roster_imports_once_and_again_changes_nothing(users, regions):
    job = run(users, xlsx(good_rows()))
    assert job.errors == [] and job.counts == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
    }
    assert not Elder.objects.exists()  # the check writes nothing
    job = services.import_run(job=services.import_confirm(by=users["bob"], job=job))
    assert job.status == "done"
    wang = Elder.objects.get(name="王秀英")
    assert (wang.sex, wang.living_arrangement, wang.residence_region.code) == (
        "F",
        "alone",
        "360203001001",
    )
    assert set(
        ElderCategory.objects.filter(elder=wang).values_list("category", flat=True)
    ) == {"dibao", "dementia"}
    assert Contact.objects.get(elder=wang).phone == "13907980002"
    zhang = Elder.objects.get(
        name="张建国"
    )  # full-width digits, birth date as an Excel serial
    assert (
        zhang.birth_date == dt.date(1938, 7, 1)
        and zhang.residence_region.code == "360203001002"
    )
    assert AuditEntry.objects.filter(summary__startswith="导入建档").count() == 2
    again = run(users, xlsx(good_rows()))
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "errors": 0}


def test_changed_fields_are_reported_and_updated(users, regions):
    services.import_run(
        job=services.import_confirm(by=users["bob"], job=run(users, xlsx(good_rows())))
    )
    rows = good_rows()
    rows[0][5] = "13807989999"
    rows[0][8] = "空巢"
    job = run(users, xlsx(rows))
    assert job.counts["updated"] == 1 and job.changes == [
        [3, "王秀英", ["联系电话", "居住情况"]]
    ]
    services.import_run(job=services.import_confirm(by=users["bob"], job=job))
    wang = Elder.objects.get(name="王秀英")
    assert wang.phone == "13807989999" and wang.living_arrangement == "empty_nest"
    entry = AuditEntry.objects.get(summary="导入更新 王秀英")
    assert entry.after == {
        "living_arrangement": "empty_nest"
    }  # phone numbers never in the log


def test_every_wrong_row_is_named_and_nothing_is_written(users, regions, make_elder):
    dead = make_elder(name="已故者", birth=dt.date(1930, 1, 1))
    from yanglao.elders.services import life_event_record

    life_event_record(
        by=users["admin"], elder=dead, kind="death", date=dt.date(2025, 1, 1)
    )
    rows = good_rows() + [
        [
            3,
            "错号",
            "360203194503080020",
            "",
            "",
            "",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            4,
            "性别错",
            valid_id("360203", dt.date(1944, 1, 1), 4),
            "男",
            "",
            "",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            5,
            "太年轻",
            valid_id("360203", dt.date(1990, 1, 1), 4),
            "",
            "",
            "",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [6, "重复", good_rows()[0][2], "", "", "", "塘坪社区", "", "", "", "", "", ""],
        [7, "已故者", dead.id_number, "", "", "", "塘坪社区", "", "", "", "", "", ""],
        [
            8,
            "外区",
            valid_id("360222", dt.date(1944, 1, 1), 4),
            "",
            "",
            "",
            "旧城村",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            9,
            "电话错",
            valid_id("360203", dt.date(1944, 2, 1), 4),
            "",
            "",
            "12345",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            10,
            "日期错",
            valid_id("360203", dt.date(1944, 3, 1), 4),
            "",
            "1944年13月1日",
            "",
            "塘坪社区",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [11, "公式", "=A1", "", "", "", "塘坪社区", "", "", "", "", "", ""],
        [
            12,
            "无社区",
            valid_id("360203", dt.date(1944, 4, 1), 4),
            "",
            "",
            "",
            "火星村",
            "",
            "",
            "外星人",
            "",
            "",
            "",
        ],
    ]
    job = run(users, xlsx(rows))
    reasons = {(e[1], e[2]): e[4] for e in job.errors}
    assert all(e[0] == "花名册" for e in job.errors)
    assert "校验码" in reasons[(5, "身份证号")]
    assert "性别与身份证号不一致" in reasons[(6, "性别")]
    assert "未满60周岁" in reasons[(7, "身份证号")]
    assert reasons[(8, "身份证号")] == "与第3行是同一个人（身份证号重复）"
    assert "登记死亡" in reasons[(9, "身份证号")]
    assert "不在您的管辖范围内" in reasons[(10, "所属社区/村")]
    assert reasons[(11, "联系电话")] == (
        "电话号码格式不正确（应为11位手机号或带区号的固定电话）"
    )
    assert reasons[(12, "出生日期")] == "不是有效的日期"
    assert "公式" in reasons[(13, "身份证号")]
    assert (
        "火星村" in reasons[(14, "所属社区/村")] and "外星人" in reasons[(14, "类别")]
    )
    assert job.counts["new"] == 2 and job.counts["errors"] == len(job.errors)
    with pytest.raises(ValidationFailed):
        services.import_confirm(by=users["bob"], job=job)
    assert Elder.objects.count() == 1  # only the dead person made above


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "已加密"),
        ("x.pdf", b"%PDF-1.4", "只支持 .xlsx 和 .csv"),
        ("x.csv", "姓名\n".encode(), "找不到表头"),
    ],
)
def test_unreadable_files_fail_with_a_reason(users, regions, name, data, reason):
    job = run(users, data, name=name)
    assert job.status == "failed" and reason in job.message


def test_a_corrupt_workbook_is_refused_at_upload(users, regions):
    with pytest.raises(ValidationFailed, match="已损坏"):
        services.import_upload(
            by=users["bob"],
            kind="elders",
            file_name="x.xlsx",
            data=b"PK\x03\x04garbage",
        )
    assert not ImportJob.objects.exists()


def test_missing_columns_and_merged_cells(users, regions):
    book = Workbook()
    book.active.append(["姓名", "性别"])
    book.active.append(["王", "女"])
    out = io.BytesIO()
    book.save(out)
    job = run(users, out.getvalue())
    assert (
        job.errors[0][4].startswith("缺少必需的列") and "身份证号" in job.errors[0][2]
    )
    merged = run(users, xlsx(good_rows(), merge="G3:G4"))
    assert any("合并单元格" in e[4] for e in merged.errors)


def test_csv_in_gb18030(users, regions):
    a = valid_id("360203", dt.date(1945, 3, 8), 2)
    text = f"姓名,身份证号,所属社区/村,出生日期\n王秀英,{a},塘坪社区,1945/3/8\n"
    job = run(users, text.encode("gb18030"), name="花名册.csv")
    assert job.errors == [] and job.counts["new"] == 1


def test_a_failure_while_writing_leaves_nothing(users, regions, monkeypatch):
    from yanglao.imports.kinds.elders import EldersKind

    job = services.import_confirm(by=users["bob"], job=run(users, xlsx(good_rows())))

    original = EldersKind.write

    def half(self, *, by, outcome):
        original(self, by=by, outcome=outcome)
        raise RuntimeError("disk full")  # … after every elder was written

    monkeypatch.setattr(EldersKind, "write", half)
    with pytest.raises(RuntimeError):
        services.import_run(job=job)
    job.refresh_from_db()
    assert job.status == "failed" and "未导入任何数据" in job.message
    assert (
        not Elder.objects.exists()
        and not AuditEntry.objects.filter(summary__startswith="导入建档").exists()
    )


def test_a_million_rows_is_refused_quickly_with_a_reason(users, regions):
    data = ("姓名,身份证号,所属社区/村\n" + "王,1,塘坪社区\n" * 1_000_000).encode()
    job = run(users, data, name="百万行.csv")
    assert job.status == "failed" and "超过每次 200,000 行的上限" in job.message
    assert not Elder.objects.exists()
