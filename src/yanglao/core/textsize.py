"""字号: text size the reader chooses (标准 / 大 / 特大), on every page.

工业和信息化部《互联网网站适老化通用设计规范》(2021) asks that users can enlarge the text of a
site and that the pages older people use come in large type. The choice is a cookie, so it holds
before logging in and on a shared family phone; older people and their families start at 大
(core.permissions.reads_large_text_by_default) until they choose otherwise.
"""

from __future__ import annotations

from yanglao.core import permissions

COOKIE = "yanglao_text"
SIZES = {"standard": "标准", "large": "大", "larger": "特大"}
YEAR = 365 * 24 * 3600


def chosen_size(request) -> str:
    chosen = request.COOKIES.get(COOKIE)
    if chosen in SIZES:
        return chosen
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and permissions.reads_large_text_by_default(user)
    ):
        return "large"
    return "standard"


def text_size_in_templates(request) -> dict:
    return {"text_size": chosen_size(request), "text_sizes": SIZES.items()}
