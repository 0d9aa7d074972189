"""People the supervision tests need: an institution's own 机构管理员 (its director's account)."""

import datetime as dt

from yanglao.conftest import make_user
from yanglao.facilities.models import Staff


def make_director(home, username: str = "dir"):
    """A facility_admin account that acts for `home` (its director on the staff register)."""
    user = make_user(username, "facility_admin", home.region)
    Staff.objects.create(
        name="院长",
        id_number_hash=f"h-{username}",
        sex="M",
        birth_date=dt.date(1970, 1, 1),
        role="director",
        facility=home,
        hired_on=dt.date(2020, 1, 1),
        user=user,
    )
    return user
