from yanglao.core.models import AuditEntry
from yanglao.regions.models import Region
from yanglao.regions.services import regions_import_csv

GOOD = """区划代码,名称,上级代码,层级,城乡
360203002,新村街道,360203,乡镇/街道,城镇
360203002001,建国社区,360203002,村/社区,城镇
360222102,鹅湖镇,360222,乡镇,农村
360222102201,桃墅村,360222102,村,农村
"""


def test_it_imports_a_tree_in_any_order(users):
    rows = GOOD.splitlines()
    shuffled = "\n".join([rows[0], rows[4], rows[2], rows[3], rows[1]]).encode()
    result = regions_import_csv(by=users["admin"], data=shuffled)
    assert (result.created, result.errors) == (4, [])
    village = Region.objects.get(code="360222102201")
    assert village.path == "360000/360200/360222/360222102/360222102201/"
    assert village.path_at(Region.Level.COUNTY) == "360000/360200/360222/"
    assert (
        Region.objects.get(code="360200").path_at(Region.Level.COUNTY)
        == "360000/360200/"
    )
    assert village.is_urban is False
    assert AuditEntry.objects.filter(object_type="regions.import").count() == 1


def test_it_reads_gb18030(users):
    result = regions_import_csv(by=users["admin"], data=GOOD.encode("gb18030"))
    assert result.created == 4
    assert Region.objects.get(code="360203002001").name == "建国社区"


def test_reimporting_changes_nothing(users):
    regions_import_csv(by=users["admin"], data=GOOD.encode())
    again = regions_import_csv(by=users["admin"], data=GOOD.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_one_bad_row_writes_nothing_and_names_every_problem(users):
    bad = (
        GOOD
        + "36022210220,短代码村,360222102,村,农村\n360222103201,孤村,360222103,村,农村\n360222104,某乡,360222,乡镇,山区\n"
    )
    before = Region.objects.count()
    result = regions_import_csv(by=users["admin"], data=bad.encode())
    assert Region.objects.count() == before
    assert (6, "区划代码", "该层级的区划代码应为12位") in result.errors
    assert (7, "上级代码", "上级区划 360222103 不存在") in result.errors
    assert any(row == 8 and "城镇" in reason for row, _col, reason in result.errors)


def test_dry_run_counts_without_writing(users):
    result = regions_import_csv(by=users["admin"], data=GOOD.encode(), dry_run=True)
    assert result.created == 4
    assert not Region.objects.filter(code="360203002").exists()


def test_a_county_clerk_cannot_import_into_another_county(users):
    result = regions_import_csv(by=users["dave"], data=GOOD.encode())
    assert any("不在您的管辖范围内" in reason for _r, _c, reason in result.errors)
    assert not Region.objects.filter(code="360222102").exists()


def test_missing_columns_are_named(users):
    result = regions_import_csv(by=users["admin"], data="代码,名字\n1,2\n".encode())
    assert result.errors == [(1, "名称、层级", "缺少必需的列")]
