"""Edits made in the Django admin are in the platform's audit log (issue 20, finding 4)."""

from __future__ import annotations

import pytest
from django.contrib import admin

from yanglao.conftest import client_for
from yanglao.core.admin import AuditedAdmin, AuditEntryAdmin
from yanglao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_admin_of_the_platform_is_audited():
    ours = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("yanglao.")
    }
    assert len(ours) >= 8
    unaudited = [
        model.__name__
        for model, model_admin in ours.items()
        if not isinstance(model_admin, AuditedAdmin | AuditEntryAdmin)
    ]
    assert unaudited == []


def test_a_change_in_the_admin_is_audited_with_before_and_after(users, regions):
    region = regions["tangping"]
    client = client_for(users["admin"])
    url = f"/admin/regions/region/{region.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name="塘坪新社区", parent=region.parent_id)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="update", object_type="regions.region")
    assert entry.actor == users["admin"]
    assert entry.before == {"name": "塘坪社区"}
    assert entry.after == {"name": "塘坪新社区"}
    assert "后台管理" in entry.summary


def test_a_delete_in_the_admin_is_audited(users, regions):
    from yanglao.visits.models import VisitRule

    rule = VisitRule.objects.create(region=regions["tangping"])
    client = client_for(users["admin"])
    response = client.post(
        f"/admin/visits/visitrule/{rule.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="delete")
    assert entry.object_type == "visits.visitrule"
    assert entry.before["region_id"] == regions["tangping"].pk


def test_a_password_set_in_the_admin_is_audited(users):
    client = client_for(users["admin"])
    url = f"/admin/accounts/user/{users['bob'].pk}/password/"
    new = "Brand-new-horse-42"
    response = client.post(
        url, {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="update", object_type="accounts.user")
    assert "重设 bob 的密码" in entry.summary
    assert new not in str(entry.before) + str(entry.after) + entry.summary
