"""Permissions are named predicates in one module (core.permissions): no view, API handler,
service, selector or template compares a user's role itself (issue 20, mechanism 1). A new
`user.role in (...)` anywhere else fails here, naming the file and line."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # src/yanglao
ALLOWED = {ROOT / "core" / "permissions.py"}

ROLE_NAMES = (
    "admin|civil_affairs|street|community|facility_admin|provider_admin|leader|assessor|"
    "operator|dispatch_lead|carer|family|elder"
)
PY_PATTERNS = [
    # user.role == …, by.role in … (a staff member's 岗位, StaffRole, is not an account's role)
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot\s+in\b)(?!\s*StaffRole)"),
    re.compile(r"\brole\s*(==|!=)\s*(Role\.|[\"'])"),  # role == Role.ADMIN / "admin"
    re.compile(
        r"[\"']role[\"']\s*(,[^)]*)?\)\s*(==|!=|\bin\b)"
    ),  # getattr(u, "role", "") == …
    re.compile(rf"\b(in|==|!=)\s*[\(\[\{{]?\s*[\"']({ROLE_NAMES})[\"']\s*[,\)\]\}}]"),
]
TEMPLATE_PATTERN = re.compile(r"\buser\.role\b(?!_name)")


def _sources(suffix: str):
    for path in ROOT.rglob(f"*{suffix}"):
        parts = set(path.relative_to(ROOT).parts)
        if path in ALLOWED or parts & {"tests", "migrations", "demo"}:
            continue
        if path.name == "conftest.py":
            continue
        yield path


def _hits(paths, patterns) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(p.search(line) for p in patterns):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_code_compares_a_role_outside_the_permissions_module():
    assert _hits(_sources(".py"), PY_PATTERNS) == []


def test_no_template_reads_the_role():
    assert _hits(_sources(".html"), [TEMPLATE_PATTERN]) == []


def test_the_check_finds_a_role_comparison(tmp_path):
    """The patterns themselves: each form the issue found is caught."""
    samples = [
        'if by.role in ("admin", "civil_affairs"):',
        "if user.role == Role.CARER:",
        'return role == "admin"',
        "if request.user.role not in LINKED_ROLES:",
        'if not (sees_everything(by) or getattr(by, "role", "") == "civil_affairs"):',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in PY_PATTERNS), sample
    assert TEMPLATE_PATTERN.search("{% if user.role == 'carer' %}")
    assert not TEMPLATE_PATTERN.search("{{ user.role_name }}")
