"""取证照片 taken offline are sent later by inspection.js, one request each, asking for JSON: a kept
photo answers with its item and link (the page lists it without reloading); a refused one answers
422 with the reason (the phone drops it and says why), and nothing is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yanglao.conftest import client_for
from yanglao.facilities.models import Facility
from yanglao.supervision import services
from yanglao.supervision.models import InspectionPhoto

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_phone_learns_what_became_of_each_photo(regions, users):
    home = Facility.objects.create(
        name="新村敬老院",
        type="tekun_home",
        ownership="public",
        region=regions["street"],
    )
    inspection = services.inspection_start(by=users["bob"], facility=home)
    bob = client_for(users["bob"])
    url = f"/supervision/inspections/{inspection.pk}/"

    def send(name, content, item="6-6"):
        return bob.post(
            url,
            {
                "action": "photo",
                "item_code": item,
                "photo": SimpleUploadedFile(name, content),
            },
            headers={"Accept": "application/json"},
        )

    refused = send("扶手.jpg", b"not an image", item="no-such-item")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "photo": "照片应为 JPEG、PNG 或 WebP 图片",
        "item_code": "请选择照片对应的检查项",
    }
    assert not InspectionPhoto.objects.exists()
    kept = send("扶手.png", PNG)
    assert kept.status_code == 200
    photo = InspectionPhoto.objects.get()
    assert kept.json()["item_code"] == "6-6"
    assert kept.json()["url"] == f"/supervision/inspections/photos/{photo.pk}/"
