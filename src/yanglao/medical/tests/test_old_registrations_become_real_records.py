"""The facility record's old free text (签约医疗机构 "周路口卫生院", 内设医疗机构 "是") is a worklist,
not converted by itself (it has no term and no 备案 date): the bureau sees each institution with
the directory's matching institution, registers the contract or the unit with real dates from
there, and the row leaves the list."""

import datetime as dt

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.facilities.models import Facility
from yanglao.medical import selectors, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_worklist_empties_as_records_are_made(users, regions):
    centre = services.institution_save(
        by=users["bob"], region=regions["street"], name="周路口卫生院", kind="township"
    )
    home = Facility.objects.create(
        name="塘坪颐养院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
        contracted_hospital="周路口卫生院",
        has_medical_unit=True,
    )
    Facility.objects.create(  # nothing old to convert
        name="新建养老院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
    )
    (row,) = selectors.legacy_worklist(by=users["bob"])
    assert (row.facility, row.contract_text, row.match, row.unit_missing) == (
        home,
        "周路口卫生院",
        centre,
        True,
    )
    page = client_for(users["bob"])
    body = page.get("/medical/contracts/legacy/").content.decode()
    link = f"/medical/contracts/new/{home.pk}/?institution={centre.pk}"
    assert link in body and "是（未备案登记）" in body
    form = page.get(link).content.decode()
    assert f'<option value="{centre.pk}" selected>' in form
    services.contract_create(
        by=users["bob"],
        facility=home,
        institution=centre,
        services=["referral"],
        patrols_per_month=0,
        starts_on=TODAY - dt.timedelta(days=100),
        ends_on=TODAY + dt.timedelta(days=265),
    )
    (row,) = selectors.legacy_worklist(by=users["bob"])
    assert row.contract_text == "" and row.unit_missing
    services.unit_save(
        by=users["bob"],
        facility=home,
        kind="infirmary",
        filed_on=TODAY - dt.timedelta(days=30),
    )
    assert selectors.legacy_worklist(by=users["bob"]) == []
