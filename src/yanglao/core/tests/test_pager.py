"""Issue 21 §5: every list's pager shows the total, the first and last pages, a page jump that keeps
the filters, and a choice of page size."""

import re

from yanglao.conftest import client_for
from yanglao.core.pagination import Page


def test_the_pager_names_first_and_last_pages_around_this_one():
    page = Page(items=[], number=6, per_page=20, total=269 * 20)
    assert page.links == [1, None, 4, 5, 6, 7, 8, None, 269]
    assert Page(items=[], number=1, per_page=20, total=45).links == [1, 2, 3]


def test_page_size_and_jump_keep_the_filters(users, make_elder):
    for i in range(45):
        make_elder(name=f"张{i:02d}", living_arrangement="alone")
    make_elder(name="李一", living_arrangement="with_children")
    client = client_for(users["bob"])
    body = client.get("/elders/?living_arrangement=alone").content.decode()
    assert "共 45 条，第 1–20 条" in body
    jump = re.search(r'<form method="get" class="pager-jump">(.*?)</form>', body, re.S)
    assert jump, "no page-jump form"
    assert '<input type="hidden" name="living_arrangement" value="alone">' in jump[1]
    assert 'name="page" min="1" max="3"' in jump[1]
    page = client.get("/elders/?living_arrangement=alone&size=50&page=1").context[
        "page"
    ]
    assert (page.total, len(page.items), page.pages) == (45, 45, 1)
    body = client.get(
        "/elders/?living_arrangement=alone&size=20&page=3"
    ).content.decode()
    assert "共 45 条，第 41–45 条" in body
    assert 'href="?living_arrangement=alone&amp;size=20&amp;page=2"' in body


def test_an_absurd_page_size_is_capped():
    from yanglao.core.pagination import MAX_PER_PAGE, page_of

    page = page_of(list(range(1000)), {"size": "100000", "page": "1"})
    assert page.per_page == MAX_PER_PAGE
