"""投诉举报: a complaint from the public form (no log-in) about an institution reaches the street
it sits in with its deadlines; the street answers and the complainant reads the answer with the
tracking code; bad input and a flood are refused, and nothing is written."""

import pytest
from django.test import Client

from yanglao.conftest import client_for, make_user
from yanglao.facilities.models import Facility
from yanglao.supervision.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(regions):
    return Facility.objects.create(
        name="塘坪颐养院",
        type="private_home",
        ownership="private",
        region=regions["tangping"],
    )


def _post(client, home, **over):
    data = {
        "subject": "institution",
        "facility": home.pk,
        "content": "护理员夜间长时间不在岗，老人呼叫无人应答。",
        "phone": "13812345678",
    }
    data.update(over)
    return client.post("/public/complaints/new/", data)


def test_a_public_complaint_goes_to_the_street_and_is_answered(home, regions, users):
    page = _post(Client(), home).content.decode()
    made = Complaint.objects.get()
    assert made.code in page and "周路口街道" in page
    assert made.region == regions["street"]  # the community's street
    assert (made.answer_by - made.received_at).days == 15
    assert "13812345678" not in made.phone_enc  # stored encrypted
    street = make_user("st", "street", regions["street"])
    handler = client_for(street)
    listing = handler.get("/supervision/complaints/").content.decode()
    assert made.code in listing and "13812345678" not in listing
    handler.post(f"/supervision/complaints/{made.pk}/", {"action": "acknowledge"})
    handler.post(
        f"/supervision/complaints/{made.pk}/",
        {"answer": "已约谈机构负责人，夜班增配一名护理员。", "upheld": "yes"},
    )
    made.refresh_from_db()
    assert made.state == "answered" and made.upheld is True
    track = (
        Client()
        .get(f"/public/complaints/track/?code={made.code.lower()}")
        .content.decode()
    )
    assert "夜班增配一名护理员" in track and "已答复" in track
    # another street's clerk and the leader cannot open it
    other = make_user("st2", "street", regions["town"])
    assert (
        client_for(other).get(f"/supervision/complaints/{made.pk}/").status_code == 404
    )
    assert (
        client_for(users["leader"]).get("/supervision/complaints/").status_code == 403
    )


def test_a_complaint_without_a_subject_or_content_is_explained(home):
    page = _post(
        Client(), home, facility="", subject_name="", content="太差"
    ).content.decode()
    assert "请写明被投诉的机构" in page and "不少于10个字" in page
    assert not Complaint.objects.exists()
    page = _post(Client(), home, phone="12345").content.decode()
    assert "电话号码格式不正确" in page and not Complaint.objects.exists()


def test_a_flood_from_one_source_is_refused_after_five_an_hour(home):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _post(client, home)
    page = _post(client, home).content.decode()
    assert "提交过于频繁" in page
    assert Complaint.objects.count() == 5
    _post(Client(REMOTE_ADDR="203.0.113.10"), home)
    assert Complaint.objects.count() == 6  # another source is not held back


def test_the_handler_sees_the_callback_number_once_audited_and_no_one_else(
    home, regions
):
    from yanglao.core.models import AuditEntry

    _post(Client(), home)
    made = Complaint.objects.get()
    street = client_for(make_user("st", "street", regions["street"]))
    page = street.get(f"/supervision/complaints/{made.pk}/").content.decode()
    assert "13812345678" not in page and "查看电话以回访" in page
    shown = street.post(f"/supervision/complaints/{made.pk}/", {"action": "phone"})
    assert 'href="tel:13812345678"' in shown.content.decode()
    assert (
        AuditEntry.objects.filter(
            action="view_pii", summary__contains=made.code
        ).count()
        == 1
    )
    other = client_for(make_user("st2", "street", regions["town"]))
    assert (
        other.post(
            f"/supervision/complaints/{made.pk}/", {"action": "phone"}
        ).status_code
        == 404
    )
