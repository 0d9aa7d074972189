"""The payments ledger is append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER benefits_ledger_no_update BEFORE UPDATE ON benefits_ledgerentry
       BEGIN SELECT RAISE(ABORT, '发放台账只能追加，不能修改'); END""",
    """CREATE TRIGGER benefits_ledger_no_delete BEFORE DELETE ON benefits_ledgerentry
       BEGIN SELECT RAISE(ABORT, '发放台账只能追加，不能删除'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS benefits_ledger_no_update",
    "DROP TRIGGER IF EXISTS benefits_ledger_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION benefits_ledger_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '发放台账只能追加，不能修改或删除'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER benefits_ledger_append_only BEFORE UPDATE OR DELETE ON benefits_ledgerentry
       FOR EACH ROW EXECUTE FUNCTION benefits_ledger_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS benefits_ledger_append_only ON benefits_ledgerentry",
    "DROP FUNCTION IF EXISTS benefits_ledger_append_only()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
