import datetime as dt

import pytest
from django.utils import timezone

from yanglao.core.errors import ValidationFailed
from yanglao.elders.models import LifeEvent
from yanglao.elders.selectors import ElderFilter, elder_list
from yanglao.elders.services import category_add, category_end, life_event_record


def test_a_death_changes_status_and_is_kept(users, make_elder):
    elder = make_elder()
    life_event_record(
        by=users["carol"],
        elder=elder,
        kind="death",
        date=dt.date(2026, 1, 5),
        source="医院死亡证明",
    )
    elder.refresh_from_db()
    assert (elder.status, elder.died_on) == ("deceased", dt.date(2026, 1, 5))
    with pytest.raises(RuntimeError):
        LifeEvent.objects.get().delete()


def test_a_dead_person_cannot_die_again_or_move(users, make_elder):
    elder = make_elder()
    life_event_record(
        by=users["carol"], elder=elder, kind="death", date=dt.date(2026, 1, 5)
    )
    with pytest.raises(ValidationFailed) as exc:
        life_event_record(
            by=users["carol"], elder=elder, kind="move_out", date=dt.date(2026, 2, 1)
        )
    assert "已于2026年01月05日登记死亡" in exc.value.errors["kind"]
    assert LifeEvent.objects.count() == 1


def test_future_events_are_refused(users, make_elder):
    elder = make_elder()
    with pytest.raises(ValidationFailed) as exc:
        life_event_record(
            by=users["carol"],
            elder=elder,
            kind="move_out",
            date=timezone.localdate() + dt.timedelta(days=1),
        )
    assert exc.value.errors["date"] == "事件日期不能在未来"


def test_moving_in_sets_the_new_residence(users, make_elder):
    elder = make_elder()
    life_event_record(
        by=users["bob"], elder=elder, kind="move_out", date=dt.date(2025, 1, 1)
    )
    life_event_record(
        by=users["bob"],
        elder=elder,
        kind="move_in",
        date=dt.date(2026, 1, 1),
        region="360203001002",
    )
    elder.refresh_from_db()
    assert (elder.status, elder.residence_region.code) == ("active", "360203001002")


def test_categories_have_effective_dates(users, make_elder):
    elder = make_elder()
    item = category_add(
        by=users["carol"], elder=elder, category="dibao", start_date=dt.date(2020, 1, 1)
    )
    assert [
        e.pk
        for e in elder_list(by=users["carol"], filters=ElderFilter(category="dibao"))
    ] == [elder.pk]
    category_end(by=users["carol"], item=item, end_date=dt.date(2021, 1, 1))
    assert not elder_list(
        by=users["carol"], filters=ElderFilter(category="dibao")
    ).exists()


def test_overlapping_categories_and_missing_disability_grade_are_refused(
    users, make_elder
):
    elder = make_elder()
    category_add(
        by=users["carol"], elder=elder, category="dibao", start_date=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationFailed) as exc:
        category_add(
            by=users["carol"],
            elder=elder,
            category="dibao",
            start_date=dt.date(2022, 1, 1),
        )
    assert exc.value.errors["category"] == "该类别在这段时间内已有记录"
    with pytest.raises(ValidationFailed) as exc:
        category_add(
            by=users["carol"],
            elder=elder,
            category="disabled",
            start_date=dt.date(2022, 1, 1),
        )
    assert exc.value.errors["grade"] == "重度残疾需填写残疾证等级"
