"""Issue 21 §3: where a bureau configures a tile source (天地图 or an intranet tile server), the
maps are drawn with Leaflet over its tiles — region outlines, labelled markers, a legend with
counts and a scale — and the Content-Security-Policy lets those tiles in and nothing else. The
tile server is the edge of the world here: Chromium answers its requests with a blank tile."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from yanglao.demo.generator import build_demo_city

# a 1×1 white PNG
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


@pytest.mark.django_db(transaction=True)
def test_the_facility_map_is_drawn_over_the_bureaus_tiles(
    live_server, chromium, settings
):
    from playwright.sync_api import expect

    settings.MAP_TILES = "https://t{s}.tiles.test/vec/{z}/{x}/{y}.png?tk=demo"
    settings.MAP_SUBDOMAINS = "01"
    settings.MAP_ATTRIBUTION = "审图号：测试"
    logins = {
        a["username"]: a
        for a in build_demo_city(
            scale=0.003, today=dt.date.today(), progress=lambda m: None
        )
    }
    page = chromium.new_context(viewport={"width": 1366, "height": 850}).new_page()
    errors, tiles = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def answer_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route(re.compile(r"https://t[01]\.tiles\.test/.*"), answer_tile)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("city")
    page.get_by_label("密码").fill(logins["city"]["password"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/facilities/?map=1")

    figure = page.locator("figure.tilemap")
    expect(figure.locator(".leaflet-container")).to_be_visible()
    expect(
        figure.locator(".tilemap-offline")
    ).to_be_hidden()  # the SVG gave way to tiles
    expect(figure.locator(".tm-legend")).to_contain_text(re.compile(r"\d+家"))
    expect(figure.locator(".leaflet-control-scale")).to_be_visible()
    expect(figure.locator(".leaflet-control-attribution")).to_contain_text(
        "审图号：测试"
    )
    assert (
        figure.locator("path.leaflet-interactive").count() > 10
    )  # outlines and markers
    page.wait_for_timeout(300)
    assert tiles, "no tile was asked for"
    assert all(re.search(r"/vec/\d+/\d+/\d+\.png\?tk=demo$", t) for t in tiles)
    assert errors == []  # CSP let the tiles and Leaflet in
