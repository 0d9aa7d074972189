"""The institution's 值班电话 is shown to operators answering its fire alarms and on its page: a
fixed line with its area code. A mobile is refused (it would be a person's own number shown as the
institution's), with the reason, and nothing is saved."""

from __future__ import annotations

import pytest

from yanglao.core.errors import ValidationFailed
from yanglao.facilities import services
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db


def _home(users):
    return services.facility_create(
        by=users["bob"],
        name="珠山颐养院",
        type="private_home",
        ownership="private",
        region="360203",
        duty_phone="0798 - 822 1234".replace(" ", ""),
    )


def test_a_fixed_line_is_kept_in_its_local_format(users):
    assert _home(users).duty_phone == "0798-8221234"


def test_a_mobile_or_a_malformed_number_is_refused_and_nothing_changes(users):
    home = _home(users)
    for wrong, reason in (("13800138000", "不填个人手机号"), ("8221234", "带区号")):
        with pytest.raises(ValidationFailed) as exc:
            services.facility_update(by=users["bob"], facility=home, duty_phone=wrong)
        assert reason in exc.value.errors["duty_phone"]
    assert Facility.objects.get(pk=home.pk).duty_phone == "0798-8221234"
