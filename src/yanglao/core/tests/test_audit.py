import pytest

from yanglao.core.audit import audit
from yanglao.core.models import AuditEntry


def test_audit_entries_cannot_be_changed_or_deleted(users):
    entry = audit(by=users["alice"], action="event", object_type="x", summary="s")
    entry.summary = "changed"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "s"


def test_the_client_address_is_recorded(users, client):
    client.post(
        "/login/",
        {"username": "alice", "password": "Corr3ct-horse-battery"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert AuditEntry.objects.get(action="login").ip == "10.1.2.3"
