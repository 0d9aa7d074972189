"""Every edit form round-trips (issue 20, mechanism 7): open it, submit it as the browser would
send it untouched, and the record is exactly as it was. Generated from the URL map: every route
named "…:edit" must have a record to open here, or this test fails until it is placed.

The browser is emulated where it matters: a date input drops a value that is not ISO
(2010-02-22), which is how "saving a facility without changes erased its dates" happened."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from yanglao.conftest import client_for
from yanglao.core.audit import snapshot

pytestmark = pytest.mark.django_db


class BrowserForm(HTMLParser):
    """The fields of the page's main form (the one posting back to the page) and the values a
    browser would send for them untouched."""

    ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self.in_main = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_main = a.get("method", "").lower() == "post" and not a.get("action")
        if not self.in_main:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            value = a.get("value") or ""
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = value or "on"
                return
            if kind == "date" and not self.ISO_DATE.match(value):
                value = ""  # what a browser's date input does with other text
            if kind == "month" and not self.ISO_MONTH.match(value):
                value = ""
            if kind not in ("submit", "button", "file"):
                self.data[name] = value
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.data[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_main = False
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.first_option or "")
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def _edit_routes() -> list[str]:
    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p, namespace + (f"{p.namespace}:" if p.namespace else "")
                )
            elif (
                isinstance(p, URLPattern)
                and p.name
                and (p.name == "edit" or p.name.endswith("_edit"))
            ):
                yield namespace + p.name

    return sorted(set(walk(get_resolver(), "")))


@pytest.fixture
def records(users, make_elder):
    """One record with every field filled, dates included, for each edit page."""
    from yanglao.facilities.services import facility_create

    elder = make_elder(
        name="王秀英",
        phone="13807981234",
        address="瓷都大道 1 号",
        hukou_region="360203",
        lat=29.3,
        lng=117.2,
    )
    facility = facility_create(
        by=users["admin"],
        name="颐养院",
        type="private_home",
        ownership="private",
        region="360203001001",
        operator="某公司",
        address="新村路 2 号",
        lat=29.29,
        lng=117.21,
        floor_area_m2=3200,
        licence_no="赣备 001",
        has_medical_unit=True,
        contracted_hospital="市第一人民医院",
        fire_safety="accepted",
        fire_safety_date=dt.date(2019, 5, 6),
        childcare_places=0,
        opened_on=dt.date(2010, 2, 22),
    )
    from yanglao.medical import services as medical
    from yanglao.regions.models import Region

    institution = medical.institution_save(
        by=users["admin"],
        region=Region.objects.get(code="360203001"),
        name="周路口街道社区卫生服务中心",
        kind="community_centre",
        grade="1",
        insured=True,
        licence_no="PDY0001",
        address="中山路 3 号",
        lat=29.3,
        lng=117.2,
    )
    unit = medical.unit_save(
        by=users["admin"],
        facility=facility,
        kind="nursing_station",
        filed_on=dt.date(2018, 3, 4),
        licence_no="备 12",
        insured=True,
        doctors=1,
        nurses=4,
    )
    return {
        "elders:edit": elder,
        "facilities:edit": facility,
        "medical:institution_edit": institution,
        # the unit's page is the institution's (there may be no unit yet): its URL takes the
        # facility's id
        "medical:unit_edit": (unit, facility.pk),
    }


def test_every_edit_route_has_a_record_to_open(records):
    assert _edit_routes() == sorted(records)


@pytest.mark.parametrize("who", ["admin", "bob"])
def test_saving_an_edit_form_unchanged_changes_nothing(users, records, who):
    client = client_for(users[who])
    for name, value in records.items():
        record, arg = value if isinstance(value, tuple) else (value, value.pk)
        url = reverse(name, args=[arg])
        before = snapshot(type(record).objects.get(pk=record.pk))
        form = BrowserForm()
        form.feed(client.get(url).content.decode())
        assert form.data, f"{name}: no form found"
        response = client.post(url, form.data)
        assert response.status_code == 302, (name, response.content.decode()[:2000])
        after = snapshot(type(record).objects.get(pk=record.pk))
        assert after == before, name
