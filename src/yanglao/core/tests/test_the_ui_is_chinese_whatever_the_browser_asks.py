"""The UI is Simplified Chinese for every user: an English browser, or an old "en" language
cookie from when a half-translated English switch was offered, still gets the policy's Chinese
words, and no page offers a language switch (README, "Chinese first")."""

import pytest
from django.conf import settings
from django.test import Client

from yanglao.accounts.models import User


@pytest.mark.django_db
def test_an_english_browser_and_an_old_english_cookie_get_chinese():
    user = User.objects.create_user("alice", password="pw-pw-pw-123", role="admin")
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    response = client.get("/elders/")
    body = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in body and "老年人档案" in body
    assert "Registry of older people" not in body
    assert "set_language" not in body and 'name="language"' not in body
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
