"""`yanglao import KIND FILE` offers every import kind the web upload offers (the 医疗机构名单 and
the health roster were missing from the command line's list)."""

from yanglao.cli import IMPORT_KINDS
from yanglao.imports.kinds import KINDS


def test_the_command_line_knows_every_kind():
    assert set(IMPORT_KINDS) == set(KINDS)
