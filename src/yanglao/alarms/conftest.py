"""Alarm fixtures: an operator and a shift lead for 珠山区, a watch bound to a person in 塘坪社区
(with an emergency contact), a gateway, and a helper that posts telemetry like a device."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from yanglao.alarms import services
from yanglao.conftest import make_user
from yanglao.elders.services import contact_add


@pytest.fixture
def staff(users, regions):
    return {
        **users,
        "olga": make_user("olga", "operator", regions["zhushan"]),
        "otto": make_user("otto", "operator", regions["fuliang"]),
        "lena": make_user("lena", "dispatch_lead", regions["city"]),
    }


@pytest.fixture
def watch(staff, regions, make_elder):
    elder = make_elder(
        name="李桂兰",
        region="tangping",
        lat=29.2920,
        lng=117.2050,
        address="塘坪新村 3 栋",
    )
    contact_add(
        by=staff["admin"],
        elder=elder,
        name="李明",
        relation="儿子",
        phone="13800138000",
        is_emergency=True,
    )
    device, secret = services.device_register(
        by=staff["admin"],
        serial="W0001",
        type="watch",
        region=regions["tangping"],
        elder=elder,
    )
    device.secret = secret
    device.elder_obj = elder
    return device


def now_ms() -> int:
    return int(time.time() * 1000)


def post(device_or_headers, messages, client: Client | None = None):
    """POST /api/v1/telemetry as a device (a Device with .secret) or with the given headers."""
    headers = (
        device_or_headers
        if isinstance(device_or_headers, dict)
        else {
            "X-Device-Serial": device_or_headers.serial,
            "X-Device-Secret": device_or_headers.secret,
        }
    )
    body = messages if isinstance(messages, str | bytes) else json.dumps(messages)
    return (client or Client()).post(
        "/api/v1/telemetry", body, content_type="application/json", headers=headers
    )
