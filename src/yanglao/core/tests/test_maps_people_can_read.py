"""Issue 21 §3: maps name what they show — the home and each carer with their distance on the
dispatch map, a legend with each layer's count, a scale bar — and count people, not points (the
alarm card's map said "（2 人）" for one person and their watch)."""

import re

from yanglao.core.charts import Layer, Marker, marker_map


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_markers_are_labelled_and_the_legend_names_each_layer_with_its_count():
    svg = marker_map(
        [
            Layer("老人住址", (Marker(29.29, 117.20, "王秀英"),), shape="home"),
            Layer(
                "护理员",
                (
                    Marker(29.30, 117.21, "1. 李护理 1.2 km"),
                    Marker(29.28, 117.19, "2. 赵阿姨 2.5 km"),
                ),
                unit="人",
            ),
        ],
        title="派单地图",
    )
    texts = _texts(svg)
    assert {"王秀英", "1. 李护理 1.2 km", "2. 赵阿姨 2.5 km"} <= set(texts)
    assert "老人住址" in texts and "护理员 2人" in texts
    assert any(re.fullmatch(r"\d+ (m|km)", t) for t in texts)  # the scale bar


def test_a_person_and_their_watch_are_not_two_people():
    svg = marker_map(
        [
            Layer("住址", (Marker(29.29, 117.20, "李桂兰"),), shape="home"),
            Layer("终端最近定位", (Marker(29.291, 117.201, "10:02"),)),
        ],
        title="住址与终端位置",
    )
    assert "2 人" not in svg and "（2" not in svg


def test_a_crowd_is_dots_without_labels():
    crowd = [(29.0 + i / 1000, 117.0 + i / 1000) for i in range(200)]
    layer = Layer("尚未探访", tuple(Marker(*p) for p in crowd), unit="人")
    svg = marker_map([layer], title="未探访老人分布")
    assert svg.count("<circle") == 200 + 1  # and the legend's symbol
    assert "尚未探访 200人" in _texts(svg)
    assert len(_texts(svg)) == 3  # the title, the scale and the legend: no labels


def test_no_coordinates_says_so():
    assert "暂无位置数据" in marker_map([Layer("住址", ())], title="地图")


def test_region_outlines_are_drawn_under_the_markers_and_named_inside_the_map():
    from yanglao.core.charts import Area

    home = Layer("住址", (Marker(29.30, 117.20, "王秀英"),), shape="home")
    carer = Layer("护理员", (Marker(29.31, 117.21, "李护理 1.2 km"),))
    inside = Area("塘坪社区", (((29.29, 117.19), (29.29, 117.22), (29.32, 117.22)),))
    far = Area("远方村", (((30.0, 118.0), (30.0, 118.1), (30.1, 118.1)),))
    svg = marker_map([home, carer], title="派单地图", areas=[inside, far])
    assert svg.index('class="areas"') < svg.index("王秀英")  # under the markers
    assert "塘坪社区" in _texts(svg)
    assert "远方村" not in _texts(svg)  # its middle is off the map: not named
    assert 'clip-path="url(#clip' in svg  # outlines are cut to the map's box


def test_a_choropleth_colours_each_area_and_fits_the_map_to_them():
    from yanglao.core.charts import Area

    ring = ((29.0, 117.0), (29.0, 117.2), (29.2, 117.2))
    svg = marker_map(
        [], title="覆盖率", areas=[Area("浮梁县 54.0%", (ring,), "#b03a48")]
    )
    assert 'fill="#b03a48"' in svg and "暂无位置数据" not in svg
    assert "浮梁县 54.0%" in _texts(svg)
