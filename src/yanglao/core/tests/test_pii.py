import pytest
from cryptography.exceptions import InvalidTag

from yanglao.core import pii
from yanglao.core.phone import mask_phone, normalize_phone


def test_encryption_round_trips_and_hides_the_value():
    token = pii.encrypt("360203194503080013")
    assert "360203" not in token
    assert pii.decrypt(token) == "360203194503080013"


def test_the_same_value_encrypts_differently_but_hashes_the_same():
    assert pii.encrypt("13800138000") != pii.encrypt("13800138000")
    assert pii.lookup_hash("13800138000") == pii.lookup_hash("13800138000")
    assert pii.lookup_hash("13800138000") != pii.lookup_hash("13800138001")


def test_another_key_cannot_read_or_match(settings):
    token = pii.encrypt("360203194503080013")
    digest = pii.lookup_hash("360203194503080013")
    settings.YANGLAO_PII_KEY = pii.new_key()
    assert pii.lookup_hash("360203194503080013") != digest
    with pytest.raises(InvalidTag):
        pii.decrypt(token)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0798-8221234", "0798-8221234"),
    ],
)
def test_phone_numbers_are_normalised(raw, clean):
    assert normalize_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "8221234", "abc"])
def test_malformed_phone_numbers_are_refused(raw):
    with pytest.raises(ValueError, match="电话号码格式不正确"):
        normalize_phone(raw)


def test_phones_are_masked():
    assert mask_phone("13800138000") == "138****8000"
