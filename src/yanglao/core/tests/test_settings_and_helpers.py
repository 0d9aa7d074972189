from yanglao.core.charts import bar_chart, ratio_ring
from yanglao.core.money import fen_to_yuan_text, yuan_text_to_fen
from yanglao.settings import database_from_url


def test_postgres_urls_become_a_database_entry():
    db = database_from_url(
        "postgresql://yl:p%40ss@db.example:6543/yanglao?sslmode=require"
    )
    assert (
        db["ENGINE"] == "yanglao.core.postgresql"
    )  # Django's, health check after idle
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "yanglao",
        "yl",
        "p@ss",
        "db.example",
        "6543",
    )
    # Statements a connection repeats are prepared (planned once) unless the URL says not to.
    assert db["OPTIONS"] == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_postgres_url_can_turn_prepared_statements_off_for_poolers():
    db = database_from_url("postgresql://yl@db/yanglao?server_side_binding=false")
    assert db["OPTIONS"] == {"server_side_binding": False, "prepare_threshold": None}


def test_money_is_fen_and_shown_in_yuan():
    assert fen_to_yuan_text(120000) == "1,200.00元"
    assert fen_to_yuan_text(-5) == "-0.05元"
    assert yuan_text_to_fen("1,200.5元") == 120050
    assert yuan_text_to_fen("-0.05") == -5


def test_charts_escape_labels_and_scale_bars():
    svg = bar_chart([("<b>", 10), ("低保", 5)], title="类别")
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    # Short labels get the minimum label column (90): the largest value fills the bar space
    # (520 − 90 − 90 = 340), the half of it 170.
    assert 'width="340"' in svg and 'width="170"' in svg
    # A long label widens the label column so it is not cut off (at most half the chart).
    long = bar_chart([("社区养老服务中心/日间照料中心", 1)], title="类型")
    assert 'rect x="202"' in long  # 190 px of label + 12


def test_ratio_ring_prints_the_share_or_a_dash():
    assert "62.5%" in ratio_ring(0.625, title="护理型床位占比")
    assert "—" in ratio_ring(None, title="护理型床位占比")


def test_photos_are_judged_by_content_and_size():
    import io

    from yanglao.core.photos import PHOTO_MAX_BYTES, photo_problem, photo_type

    def upload(data: bytes, size: int | None = None):
        f = io.BytesIO(data)
        f.size = len(data) if size is None else size
        return f

    assert photo_type(upload(b"\xff\xd8\xff\xe0" + b"\0" * 20)) == "jpg"
    assert photo_type(upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)) == "png"
    assert photo_type(upload(b"RIFF\0\0\0\0WEBPVP8 ")) == "webp"
    assert (
        photo_type(upload(b"RIFF\0\0\0\0WAVEfmt ")) == ""
    )  # a sound file is not a photo
    assert "JPEG" in photo_problem(upload(b"GIF89a" + b"\0" * 20))
    assert "MB" in photo_problem(upload(b"\xff\xd8\xff", size=PHOTO_MAX_BYTES + 1))
    assert photo_problem(upload(b"\xff\xd8\xff\xe0")) == ""
