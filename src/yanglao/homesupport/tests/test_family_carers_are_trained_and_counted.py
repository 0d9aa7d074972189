"""家庭照护者培训 (issue 25 §4): a course, a session, a family carer signed up and marked as having
attended with a certificate; the course list counts the 人次 against 4,000; the respite stay
and the person's page say the carer is trained. A certificate for someone absent and a full
session are refused."""

import pytest
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.core.errors import ValidationFailed
from yanglao.homesupport import services
from yanglao.homesupport.models import Attendance

pytestmark = pytest.mark.django_db


def test_a_carer_is_trained_certified_and_counted(users, regions, make_elder):
    carol = users["carol"]
    person = make_elder(name="照护甲")
    page = client_for(carol)
    response = page.post(
        "/homesupport/training/new/",
        {
            "title": "失能老人居家照护",
            "mode": "in_person",
            "hours": "8",
            "organiser": "市社会福利中心",
            "region": regions["tangping"].code,
        },
    )
    assert response.status_code == 302
    course_url = response["Location"]
    response = page.post(
        course_url,
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "塘坪社区活动室",
            "capacity": "1",
        },
    )
    session_url = response["Location"]
    response = page.post(
        session_url,
        {
            "do": "add",
            "elder": "照护甲",
            "carer_name": "照护甲之女",
            "relation": "女儿",
        },
    )
    assert response.status_code == 302
    other = make_elder(name="照护乙")
    session = Attendance.objects.get().session
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_add(
            by=carol, session=session, elder=other, carer_name="乙子", relation="儿子"
        )
    assert exc.value.errors == {"__all__": "该班次 1 个名额已满"}
    attendance = Attendance.objects.get()
    with pytest.raises(ValidationFailed) as exc:
        services.attendance_mark(
            by=carol, attendance=attendance, attended=False, certificate_no="JT-1"
        )
    assert exc.value.errors == {"certificate_no": "未参加培训不能发结业证书"}
    page.post(
        session_url,
        {
            "do": "mark",
            "attendance": str(attendance.pk),
            "attended": "on",
            "certificate_no": "JT-1",
        },
    )
    attendance.refresh_from_db()
    assert attendance.attended and attendance.certificate_no == "JT-1"
    listing = page.get("/homesupport/training/").content.decode()
    assert "1 / 4000" in listing
    profile = page.get(f"/elders/{person.pk}/").content.decode()
    assert "照护甲之女（女儿）已参加" in profile and "JT-1" in profile
