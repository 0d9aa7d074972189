"""Issue 21 §3: the facility list can be shown on a map — every facility of the filtered list, by
type in the legend, named beside its marker."""

from yanglao.conftest import client_for


def test_the_filtered_facilities_on_a_map(users, home, far_home):
    for f, (lat, lng) in ((home, (29.29, 117.20)), (far_home, (29.35, 117.25))):
        f.lat, f.lng = lat, lng
        f.save()
    client = client_for(users["alice"])
    assert "养老服务设施分布" not in client.get("/facilities/").content.decode()
    page = client.get("/facilities/?map=1").content.decode()
    assert ">塘坪敬老院<" in page and ">浮梁镇敬老院<" in page
    assert "特困供养服务机构/敬老院 2家" in page
    county = client.get("/facilities/?region=360222&map=1").content.decode()
    assert ">浮梁镇敬老院<" in county and ">塘坪敬老院<" not in county
