"""Referrals exchanged with a health system as FHIR R4: the export is a Bundle of ServiceRequest +
Task per referral that validates against the R4 resources (structure, datatypes and the required
code bindings); the health system's answer, a Bundle of Tasks, moves the referrals it names —
all of them or, when one entry is wrong, none, with the entry and the reason named."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yanglao.conftest import client_for
from yanglao.medical import fhir, services
from yanglao.medical.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(users, regions):
    return services.institution_save(
        by=users["bob"],
        region=regions["street"],
        name="周路口卫生院",
        kind="township",
        licence_no="PDY36020311",
    )


@pytest.fixture
def liaison(users, centre):
    return services.liaison_create(
        by=users["admin"],
        institution=centre,
        username="zhang",
        password="Zhoulukou#2026",
        full_name="张医生",
    ).user


@pytest.fixture
def sent(users, make_elder, centre):
    return [
        services.referral_request(
            by=users["carol"],
            elder=make_elder(name=name),
            institution=centre,
            reason="头晕",
            origin="community",
        )
        for name in ("甲", "乙")
    ]


def _task(referral_id, status, code=None, note=None, when=None):
    task = {
        "resourceType": "Task",
        "identifier": [{"system": fhir.SYSTEM_REFERRAL, "value": str(referral_id)}],
        "status": status,
        "intent": "order",
        "lastModified": (when or timezone.now()).isoformat(),
    }
    if code:
        task["businessStatus"] = {
            "coding": [{"system": fhir.SYSTEM_STATUS, "code": code}]
        }
    if note:
        task["note"] = [{"text": note}]
    return task


def _bundle(*tasks):
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": t} for t in tasks],
        }
    )


def test_the_export_validates_against_r4(users, sent, liaison):
    services.referral_move(by=liaison, referral_id=sent[0].pk, to="accepted")
    response = client_for(users["bob"]).get("/medical/referrals/?format=fhir")
    assert response["Content-Type"].startswith("application/fhir+json")
    doc = json.loads(response.content)
    assert fhir.validate(doc) == {}
    kinds = [e["resource"]["resourceType"] for e in doc["entry"]]
    assert kinds.count("ServiceRequest") == 2 and kinds.count("Task") == 2
    task = next(
        e["resource"]
        for e in doc["entry"]
        if e["resource"]["resourceType"] == "Task"
        and e["resource"]["identifier"][0]["value"] == str(sent[0].pk)
    )
    assert task["status"] == "accepted" and task["owner"]["display"] == "周路口卫生院"
    assert task["basedOn"] == [{"reference": f"ServiceRequest/referral-{sent[0].pk}"}]
    # The person travels by the platform's id and name, never the identity number.
    assert sent[0].elder.id_number_masked not in response.content.decode()
    assert "Patient/" in task["for"]["reference"]


def test_the_validator_catches_what_the_models_let_through():
    bad = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Task", "status": "done", "intent": "order"}}
        ],
    }
    assert fhir.validate(bad) == {
        "entry[1]": "Task.status 的值“done”不在 FHIR R4 值集内"
    }
    wrong_type = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Task",
                    "status": "requested",
                    "intent": "order",
                    "authoredOn": "昨天",
                }
            }
        ],
    }
    assert "authoredOn" in fhir.validate(wrong_type)["entry[1]"]


def test_the_health_systems_answer_moves_the_referrals(sent, liaison):
    visit = timezone.now()
    page = client_for(liaison)
    upload = SimpleUploadedFile(
        "answer.json",
        _bundle(
            _task(
                sent[0].pk, "completed", note="回家后每日测血压，一周后复诊", when=visit
            ),
            _task(sent[1].pk, "rejected", note="本院无神经内科，请转县医院"),
        ).encode(),
        content_type="application/fhir+json",
    )
    response = page.post("/medical/referrals/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()
    first, second = (
        Referral.objects.get(pk=sent[0].pk),
        Referral.objects.get(pk=sent[1].pk),
    )
    assert first.status == "returned" and first.return_to == "home"
    assert (
        first.care_note == "回家后每日测血压，一周后复诊" and first.returned_at == visit
    )
    assert [s.status for s in first.steps.all()] == [
        "requested",
        "accepted",
        "attended",
        "returned",
    ]
    assert (
        second.status == "declined" and second.outcome == "本院无神经内科，请转县医院"
    )


def test_one_wrong_entry_writes_nothing(users, sent, liaison, centre, make_elder):
    stranger = services.institution_save(
        by=users["bob"], region=centre.region, name="周路口诊所", kind="clinic"
    )
    elsewhere = services.referral_request(
        by=users["carol"],
        elder=make_elder(name="丙"),
        institution=stranger,
        reason="咳嗽",
        origin="community",
    )
    page = client_for(liaison)
    upload = SimpleUploadedFile(
        "answer.json",
        _bundle(
            _task(sent[0].pk, "accepted"),
            _task(elsewhere.pk, "accepted"),
            _task(sent[1].pk, "done"),
        ).encode(),
    )
    body = page.post("/medical/referrals/import/", {"file": upload}).content.decode()
    assert "entry[3]" in body and "Task.status 的值“done”不在 FHIR R4 值集内" in body
    upload = SimpleUploadedFile(
        "answer.json",
        _bundle(
            _task(sent[0].pk, "accepted"), _task(elsewhere.pk, "accepted")
        ).encode(),
    )
    body = page.post("/medical/referrals/import/", {"file": upload}).content.decode()
    assert (
        f"转诊 #{elsewhere.pk} 不存在或不属于您的机构" in body
        and "未写入任何记录" in body
    )
    assert set(Referral.objects.values_list("status", flat=True)) == {"requested"}
    before = sent[0].requested_at - dt.timedelta(hours=1)
    upload = SimpleUploadedFile(
        "answer.json", _bundle(_task(sent[0].pk, "accepted", when=before)).encode()
    )
    body = page.post("/medical/referrals/import/", {"file": upload}).content.decode()
    assert "办理时间早于转诊申请时间" in body
    assert set(Referral.objects.values_list("status", flat=True)) == {"requested"}
    upload = SimpleUploadedFile("answer.json", b"not json")
    assert (
        "不是 JSON 文件"
        in page.post("/medical/referrals/import/", {"file": upload}).content.decode()
    )
