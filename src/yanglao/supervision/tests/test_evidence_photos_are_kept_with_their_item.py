"""取证照片: a photo of a checklist item is kept with the open inspection (judged by its content,
not its name), refused once the record is signed; it is shown only to those who may see the
inspection, and each viewing is audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for
from yanglao.core.models import AuditEntry
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.checklists import GB38600
from yanglao.supervision.models import InspectionPhoto

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_photo_is_kept_shown_in_scope_and_audited(regions, users):
    home = Facility.objects.create(
        name="新村敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
    )
    inspection = services.inspection_start(by=users["bob"], facility=home)
    bob = client_for(users["bob"])
    url = f"/supervision/inspections/{inspection.pk}/"
    page = bob.post(
        url,
        {
            "action": "photo",
            "item_code": "6-6",
            "photo": SimpleUploadedFile("扶手.jpg", b"not an image"),
        },
        follow=True,
    ).content.decode()
    assert "照片应为 JPEG、PNG 或 WebP 图片" in page
    bob.post(
        url,
        {
            "action": "photo",
            "item_code": "6-6",
            "photo": SimpleUploadedFile("a.png", PNG),
        },
    )
    photo = InspectionPhoto.objects.get()
    assert photo.item_code == "6-6" and photo.photo.name.endswith(".png")
    served = bob.get(f"/supervision/inspections/photos/{photo.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert AuditEntry.objects.filter(
        action="view_pii", summary__contains="取证照片"
    ).exists()
    assert (
        client_for(users["dave"])
        .get(f"/supervision/inspections/photos/{photo.pk}/")
        .status_code
        == 404
    )
    services.inspection_record(
        by=users["bob"],
        inspection=inspection,
        answers={c: {"result": "pass"} for c, *_r in GB38600["items"]},
    )
    services.inspection_sign(
        by=users["bob"], inspection=inspection, cosigner=users["alice"]
    )
    page = bob.post(
        url,
        {
            "action": "photo",
            "item_code": "6-6",
            "photo": SimpleUploadedFile("b.png", PNG),
        },
        follow=True,
    ).content.decode()
    assert "已签署，不能再添加照片" in page
    assert InspectionPhoto.objects.count() == 1
