"""Wrong inputs on supervision's pages answer with the field and the reason, never a server error,
and change nothing: a negative or non-numeric score, a malformed year, a months cap beyond the
rule, a negative head count, a photo for no item, answers that are not an object."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.models import (
    CustodyAccount,
    Drill,
    Evaluation,
    InspectionPhoto,
)

pytestmark = pytest.mark.django_db


def test_wrong_inputs_are_named_and_change_nothing(regions, users):
    home = Facility.objects.create(
        name="测试养老院",
        type="private_home",
        ownership="private",
        region=regions["street"],
    )
    bob = client_for(users["bob"])
    grading = services.grading_apply(by=users["bob"], facility=home)
    page = bob.post(
        f"/supervision/gradings/{grading.pk}/",
        {"s-E1": "-1", "s-E2": "abc", "experts": "张"},
    ).content.decode()
    assert page.count("请填写数字得分") == 2
    grading.refresh_from_db()
    assert grading.scores == {}

    for year in ("20x6", "3000", ""):
        response = bob.post(
            f"/supervision/credit/facility/{home.pk}/",
            {"action": "evaluate", "year": year},
            follow=True,
        )
        assert response.status_code == 200
    assert not Evaluation.objects.exists()

    page = bob.post(
        "/supervision/prepaid/",
        {
            "facility": home.pk,
            "bank": "农行",
            "account_tail": "1234",
            "opened_on": "2026-01-01",
            "floor": "100",
            "bed": "1500",
            "months_cap": "99",
        },
    ).content.decode()
    assert "预收服务费上限为 1 到 12 个月" in page
    assert not CustodyAccount.objects.exists()

    services.plan_record(
        by=users["bob"],
        facility=home,
        kind="natural",
        title="防汛应急预案",
        approved_on="2026-01-01",
    )
    page = bob.post(
        f"/supervision/emergency/{home.pk}/",
        {"action": "drill", "kind": "natural", "held_on": "2026-02-01", "staff": "-3"},
    ).content.decode()
    assert "参加员工人数应在 1 到 5000 之间" in page
    assert not Drill.objects.exists()

    inspection = services.inspection_start(by=users["bob"], facility=home)
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    page = bob.post(
        f"/supervision/inspections/{inspection.pk}/",
        {"action": "photo", "item_code": "9-9", "photo": png},
        follow=True,
    ).content.decode()
    assert "请选择照片对应的检查项" in page
    assert not InspectionPhoto.objects.exists()
    response = bob.post(
        f"/supervision/inspections/{inspection.pk}/answers/",
        json.dumps({"answers": ["4-1"]}),
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"] == {
        "answers": "格式不正确"
    }
