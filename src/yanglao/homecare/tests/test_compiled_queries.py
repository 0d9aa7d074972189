"""core.queries.CompiledQuery: the SQL compiled once gives, for every later value, exactly what
the queryset itself gives — the order step's lock query with its neighbours, JSON and times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yanglao.accounts import services as accounts
from yanglao.conftest import PASSWORD
from yanglao.core.queries import CompiledQuery, update_where
from yanglao.facilities.models import Staff
from yanglao.homecare import services
from yanglao.homecare.models import Order
from yanglao.homecare.tests.conftest import next_weekday_at
from yanglao.homecare.tests.test_orders import _place, _serve

pytestmark = pytest.mark.django_db


def _lock_query(pk):
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("region", "item", "elder", "provider", "carer__staff")
        .only(*services._STEP_READS)
        .filter(pk=pk)
    )


def _loaded(obj) -> dict:
    deferred = obj.get_deferred_fields()
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in deferred
    }


def _orders(hc) -> tuple[Order, Order]:
    """One order just placed (no carer) and one dispatched, served and flagged (JSON lists,
    check-in and check-out times, a carer with a staff record)."""
    fresh = _place(hc, when=next_weekday_at(9))
    served = _place(hc, when=next_weekday_at(14))
    _serve(hc, served, minutes=5)  # too short: flagged
    return fresh, served


def test_the_lock_query_compiled_once_reads_what_the_queryset_reads(hc):
    fresh, served = _orders(hc)
    compiled = CompiledQuery(_lock_query)
    with transaction.atomic():
        for order in (
            fresh,
            served,
            fresh,
        ):  # the second and third run the compiled SQL
            with CaptureQueriesContext(connection) as ran:
                got = compiled.first(pk=order.pk)
            want = _lock_query(order.pk).get()
            assert len(ran) == 1
            assert _loaded(got) == _loaded(want)
            assert got.get_deferred_fields() == want.get_deferred_fields()
            for neighbour in ("region", "item", "elder", "provider"):
                assert _loaded(getattr(got, neighbour)) == _loaded(
                    getattr(want, neighbour)
                )
            assert (got.carer and got.carer.staff.name) == (
                want.carer and want.carer.staff.name
            )
        assert (
            got.carer is None
            and compiled.first(pk=served.pk).carer.staff.name == "李护理"
        )
        again = compiled.first(pk=served.pk)
        assert again.problems and again.done_items == ["助浴"]
        assert again.checkout_at - again.checkin_at == dt.timedelta(minutes=5)
        assert compiled.first(pk=served.pk + 1000) is None
        assert (
            compiled.first(pk=str(served.pk)).pk == served.pk
        )  # a key from a form, as text


def test_a_value_of_another_type_runs_the_queryset_itself(hc):
    compiled = CompiledQuery(lambda user_id: Staff.objects.filter(user_id=user_id))
    assert (
        compiled.first(user_id=None) is None
    )  # IS NULL, not = NULL: no staff without a user here
    boss_staff = compiled.first(user_id=hc["boss"].pk)
    assert boss_staff.name == "站长"


def test_values_that_do_not_reach_the_sql_unchanged_are_refused(hc):
    prefix = CompiledQuery(lambda name: Staff.objects.filter(name__startswith=name))
    with pytest.raises(ImproperlyConfigured, match="name must reach the SQL once"):
        prefix.first(name="李")
    twice = CompiledQuery(
        lambda pk: Staff.objects.filter(pk=pk) | Staff.objects.filter(user_id=pk)
    )
    with pytest.raises(ImproperlyConfigured):
        twice.first(pk=1)


@pytest.mark.django_db(transaction=True)  # autocommit, as outside a test
def test_a_lock_outside_a_transaction_is_refused_like_the_queryset(hc):
    fresh, _ = _orders(hc)
    compiled = CompiledQuery(_lock_query)
    with transaction.atomic():
        compiled.first(pk=fresh.pk)
    with pytest.raises(TransactionManagementError):
        compiled.first(pk=fresh.pk)


def test_api_tokens_are_found_by_the_compiled_query_and_expire(hc, users):
    key, token = accounts.api_token_issue(username="pa", password=PASSWORD)
    user = accounts.api_token_user(key)
    assert user.pk == hc["boss"].pk and user.role == "provider_admin"
    assert accounts.api_token_user(key + "x") is None
    token.expires_at = token.created_at
    token.save()
    accounts.api_tokens_forget()  # the process trusted it for a few seconds (tested in accounts)
    assert accounts.api_token_user(key) is None


def test_a_carers_record_is_read_once_per_token_trust_window(hc, settings, monkeypatch):
    """The carer (or provider) record behind a bearer token is kept for the token's trust
    window (core.notes), then read again with the token (docs/configuration.md)."""
    from django.test import Client

    settings.API_TOKEN_CACHE_SECONDS = 10
    key, _ = accounts.api_token_issue(username="li", password=PASSWORD)
    api = Client(headers={"Authorization": f"Bearer {key}"})

    def carer_reads() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert api.get("/api/v1/homecare/carer/day").status_code == 200
        return sum('FROM "homecare_carer"' in q["sql"] for q in seen.captured_queries)

    assert carer_reads() == 1
    assert carer_reads() == 0  # within the window
    clock = accounts.time.monotonic() + 11
    monkeypatch.setattr(accounts.time, "monotonic", lambda: clock)
    assert carer_reads() == 1
    settings.API_TOKEN_CACHE_SECONDS = 0
    accounts.api_tokens_forget()
    assert carer_reads() == 1 and carer_reads() == 1


def test_a_revoked_family_link_takes_effect_within_the_trust_window(
    hc, users, settings
):
    """Unlike the carer record, a family member's links are read on every request."""
    from django.test import Client

    from yanglao.homecare.models import FamilyLink

    settings.API_TOKEN_CACHE_SECONDS = 10
    order = _place(hc)
    key, _ = accounts.api_token_issue(username="daughter", password=PASSWORD)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 200
    link = FamilyLink.objects.get(user=hc["family"], elder=hc["elder"])
    services.family_unlink(by=users["carol"], link=link)
    assert api.get(f"/api/v1/homecare/orders/{order.pk}").status_code == 404


def test_update_where_writes_as_the_orm_and_only_at_the_version_read(hc):
    fresh, served = _orders(hc)
    now = timezone.now()
    values = {
        "carer_id": hc["carers"]["qian"].pk,
        "problems": ["签到未定位"],
        "checkin_at": now,
        "checkin_distance_m": None,
        "version": fresh.version + 1,
    }
    assert (
        update_where(Order, {"id": fresh.pk, "version": fresh.version + 5}, values) == 0
    )
    assert (
        Order.objects.get(pk=fresh.pk).carer_id is None
    )  # a stale version changes nothing
    assert update_where(Order, {"id": fresh.pk, "version": fresh.version}, values) == 1
    got = Order.objects.get(pk=fresh.pk)
    assert (got.carer_id, got.problems, got.checkin_at, got.version) == (
        hc["carers"]["qian"].pk,
        ["签到未定位"],
        now,
        fresh.version + 1,
    )
    assert (
        Order.objects.get(pk=served.pk).carer_id == hc["carers"]["li"].pk
    )  # others untouched
    with pytest.raises(ValueError):
        update_where(Order, {"id": fresh.pk, "carer_id": None}, {"note": "x"})
