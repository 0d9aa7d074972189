"""The `yanglao` command: creating the first administrator and importing region codes."""

from yanglao.accounts.models import User
from yanglao.cli import main
from yanglao.regions.models import Region

CSV = "区划代码,名称,上级代码,层级,城乡\n360222102,鹅湖镇,360222,乡镇,农村\n"


def test_create_admin_reads_the_password_from_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("YANGLAO_ADMIN_PASSWORD", "Long-enough-pass-42")
    assert main(["create-admin", "chief", "--name", "局长"]) == 0
    user = User.objects.get(username="chief")
    assert (
        user.role == "admin"
        and user.is_superuser
        and user.check_password("Long-enough-pass-42")
    )
    assert "已创建系统管理员 chief" in capsys.readouterr().out


def test_create_admin_refuses_a_weak_password(db, monkeypatch, capsys):
    monkeypatch.setenv("YANGLAO_ADMIN_PASSWORD", "123")
    assert main(["create-admin", "chief"]) == 2
    assert not User.objects.exists()
    assert "password" in capsys.readouterr().err


def test_import_regions_dry_run_then_for_real(users, tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text(CSV, encoding="gb18030")
    assert main(["import", "regions", str(path), "--dry-run", "--user", "root"]) == 0
    assert "检查通过：将新增 1" in capsys.readouterr().out
    assert not Region.objects.filter(code="360222102").exists()
    assert main(["import", "regions", str(path), "--user", "root"]) == 0
    assert Region.objects.get(code="360222102").name == "鹅湖镇"


def test_import_regions_reports_row_errors_and_writes_nothing(users, tmp_path, capsys):
    path = tmp_path / "regions.csv"
    path.write_text(CSV + "360222103,某乡,360299,乡镇,农村\n", encoding="utf-8")
    assert main(["import", "regions", str(path), "--user", "root"]) == 1
    err = capsys.readouterr().err
    assert (
        "CSV 第3行 上级代码“”：上级区划 360299 不存在" in err
        and "未写入任何数据" in err
    )
    assert not Region.objects.filter(code="360222102").exists()
