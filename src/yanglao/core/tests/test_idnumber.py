import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yanglao.core.idnumber import InvalidIdNumber, age_on, check_char, make, mask, parse

TODAY = dt.date(2026, 11, 22)


def test_it_accepts_the_standard_example():
    # GB 11643-1999 Annex: 11010519491231002X is the published example (female, born 1949-12-31).
    parsed = parse("11010519491231002X", today=TODAY)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_it_reads_sex_from_the_17th_digit():
    assert parse(make("360203", dt.date(1950, 1, 2), 11), today=TODAY).sex == "M"
    assert parse(make("360203", dt.date(1950, 1, 2), 12), today=TODAY).sex == "F"


def test_it_accepts_lowercase_x_and_full_width_digits():
    assert parse("11010519491231002x", today=TODAY).value == "11010519491231002X"
    assert (
        parse("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).value
        == "11010519491231002X"
    )


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("1101051949123100", "应为18位"),
        ("11010519491231002XX", "应为18位"),
        ("1101051949123100A2", "前17位应为数字"),
        ("110105194902300027", "出生日期不存在"),
        ("110105203001010012", "出生日期在未来"),
        ("110105194912310021", "校验码错误（末位应为X）"),
    ],
)
def test_it_refuses_bad_numbers_with_the_reason(raw, reason):
    with pytest.raises(InvalidIdNumber) as exc:
        parse(raw, today=TODAY)
    assert reason in exc.value.reason


def test_check_character_covers_every_remainder():
    # The check table maps remainder 2 to X and 10 to 2 (ISO 7064 MOD 11-2).
    assert {check_char(f"{n:017d}") for n in range(0, 200000, 7)} == set("10X98765432")


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_made_numbers_always_parse_back(birth, seq):
    parsed = parse(make("360222", birth, seq), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_a_changed_digit_is_caught(value):
    # Whatever 18 characters come in, parse either refuses or returns a self-consistent number.
    try:
        parsed = parse(value, today=TODAY)
    except InvalidIdNumber:
        return
    assert check_char(parsed.value[:17]) == parsed.value[17]


def test_mask_keeps_four_and_four():
    assert mask("360203194503080013") == "3602**********0013"


def test_age_counts_the_birthday_itself():
    assert age_on(dt.date(1946, 11, 22), TODAY) == 80
    assert age_on(dt.date(1946, 11, 23), TODAY) == 79
    assert age_on(dt.date(1948, 2, 29), dt.date(2027, 2, 28)) == 78
