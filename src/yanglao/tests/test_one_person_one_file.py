"""Issue 21 §4, 一人一档: the older person's page brings together their assessments, benefits,
home-care orders, visits, alarms and devices and stays, each with its count and links to the
records; each section is read under the viewer's scope; a record's page links back to the person."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.db.models import Count

from yanglao.accounts.models import User
from yanglao.alarms.models import Alarm
from yanglao.assessments.models import Assessment
from yanglao.benefits.models import Entitlement
from yanglao.conftest import client_for
from yanglao.demo.generator import build_demo_city
from yanglao.elders.models import Elder
from yanglao.homecare.models import Order

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            build_demo_city(scale=0.003, today=TODAY, progress=lambda m: None)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _most_recorded_person() -> Elder:
    """A person with orders, an assessment and benefits in the demo city."""
    with_orders = set(Order.objects.values_list("elder_id", flat=True))
    assessed = set(Assessment.objects.values_list("elder_id", flat=True))
    paid = set(Entitlement.objects.values_list("elder_id", flat=True))
    alarmed = dict(
        Alarm.objects.values_list("elder_id").annotate(n=Count("id")).order_by()
    )
    people = with_orders & assessed & paid
    assert people, "the demo city has nobody with orders, assessments and benefits"
    best = max(people, key=lambda pk: (alarmed.get(pk, 0), -pk))
    return Elder.objects.get(pk=best)


def _section(body: str, key: str) -> str:
    found = re.search(rf'<section class="card" id="{key}">(.*?)</section>', body, re.S)
    return found[1] if found else ""


def _count(section: str) -> int:
    return int(re.search(r'<span class="count">(\d+)</span>', section)[1])


@pytest.mark.django_db
def test_the_person_page_holds_every_apps_records_with_counts_and_links(city):
    person = _most_recorded_person()
    body = client_for(User.objects.get(username="admin")).get(f"/elders/{person.pk}/")
    assert body.status_code == 200
    page = body.content.decode()
    orders = _section(page, "homecare")
    assert _count(orders) == Order.objects.filter(elder=person).count()
    newest = Order.objects.filter(elder=person).order_by("-slot_start", "-id").first()
    assert f'href="/homecare/orders/{newest.pk}/"' in orders
    assessments = _section(page, "assessments")
    assert _count(assessments) == Assessment.objects.filter(elder=person).count()
    assert "/assessments/" in assessments
    benefits = _section(page, "benefits")
    assert _count(benefits) > 0 and f"/benefits/elders/{person.pk}/" in benefits


@pytest.mark.django_db
def test_alarms_and_devices_are_on_the_person_page(city):
    alarm = Alarm.objects.exclude(elder=None).order_by("-raised_at").first()
    page = (
        client_for(User.objects.get(username="admin"))
        .get(f"/elders/{alarm.elder_id}/")
        .content.decode()
    )
    section = _section(page, "alarms")
    assert _count(section) == Alarm.objects.filter(elder_id=alarm.elder_id).count()
    assert f'href="/alarms/{alarm.pk}/"' in section


def _sections(username: str, person: Elder) -> list[str] | int:
    response = client_for(User.objects.get(username=username)).get(
        f"/elders/{person.pk}/"
    )
    if response.status_code != 200:
        return response.status_code
    return re.findall(r'<section class="card" id="(\w+)">', response.content.decode())


@pytest.mark.django_db
def test_sections_follow_the_viewers_scope(city):
    """Each app decides what the viewer sees of its records: the operator is shown no benefits
    and no home-care orders; a provider cannot open the person's page at all."""
    person = _most_recorded_person()
    assert {"assessments", "benefits", "homecare"} <= set(_sections("city", person))
    operator = _sections("operator", person)
    assert "assessments" in operator
    assert "benefits" not in operator and "homecare" not in operator
    assert _sections("provider", person) == 404


@pytest.mark.django_db
def test_an_order_links_back_to_the_person(city):
    person = _most_recorded_person()
    order = Order.objects.filter(elder=person).first()
    page = (
        client_for(User.objects.get(username="admin"))
        .get(f"/homecare/orders/{order.pk}/")
        .content.decode()
    )
    assert f'href="/elders/{person.pk}/"' in page
