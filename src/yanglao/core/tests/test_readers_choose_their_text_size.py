"""字号 (《互联网网站适老化通用设计规范》): every page offers 标准 / 大 / 特大; the family starts
at 大, staff at 标准; the choice is kept in a cookie and the reader goes back to their page; a
made-up size or an outside address changes nothing."""

import pytest
from django.test import Client

from yanglao.conftest import make_user


def _html_class(client, path="/login/") -> str:
    body = client.get(path, follow=True).content.decode()
    return body.split("<html", 1)[1].split(">", 1)[0]


@pytest.mark.django_db
def test_the_family_starts_large_and_staff_standard(users):
    family = Client()
    family.force_login(make_user("daughter", "family", None))
    staff = Client()
    staff.force_login(users["alice"])
    assert 'class="text-large"' in _html_class(family, "/homecare/")
    assert 'class="text-standard"' in _html_class(staff, "/elders/")
    page = staff.get("/elders/").content.decode()
    assert 'value="larger" aria-pressed="false">特大</button>' in page


@pytest.mark.django_db
def test_the_choice_is_kept_and_the_reader_goes_back(users):
    client = Client()
    client.force_login(users["alice"])
    response = client.post("/text-size/", {"size": "larger", "next": "/elders/?q=王"})
    assert (
        response.status_code == 302 and response["Location"] == "/elders/?q=%E7%8E%8B"
    )
    assert response.cookies["yanglao_text"].value == "larger"
    assert 'class="text-larger"' in _html_class(client, "/elders/")


@pytest.mark.django_db
def test_a_made_up_size_or_an_outside_address_changes_nothing():
    client = Client()
    response = client.post(
        "/text-size/", {"size": "huge", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/" and "yanglao_text" not in response.cookies
    assert client.get("/text-size/").status_code == 405
    assert 'class="text-standard"' in _html_class(client)
