"""The demo city's 康复辅具 lending: two points (the demo community's and a county town's), each
with wheelchairs, walkers, nursing beds, commodes and mattresses; some on loan to disabled people
nearby (one overdue), just returned ones waiting to be cleaned, one in repair after its inspection — all through the
services, as a point's clerk would enter them."""

from __future__ import annotations

import datetime as dt

from yanglao.accounts.models import User
from yanglao.elders.models import Elder
from yanglao.homesupport import services
from yanglao.homesupport.models import AidDevice
from yanglao.regions.models import Region

STOCK = [("wheelchair", 6, 30000), ("walker", 4, 5000), ("nursing_bed", 3, 80000)]
STOCK += [("commode", 3, 3000), ("mattress", 2, 10000)]


def build_homesupport(*, today: dt.date, progress) -> None:
    clerk = User.objects.get(username="admin")
    community = User.objects.get(username="community").region
    elsewhere = (  # a township of another county
        Region.objects.filter(level=Region.Level.TOWNSHIP)
        .exclude(code__startswith=community.code[:6])
        .order_by("code")
        .first()
    )
    places = [community, elsewhere]
    lent = cleaning = 0
    for n, region in enumerate(p for p in places if p is not None):
        point = services.point_create(
            by=clerk,
            name=f"{region.name}康复辅具借用点",
            region=region.code,
            address=f"{region.name}综合服务中心一楼",
        )
        devices = [
            services.device_add(
                by=clerk,
                point=point,
                kind=kind,
                serial=f"FJ{n + 1}-{kind[:2].upper()}{i + 1:03d}",
                acquired_on=today - dt.timedelta(days=400),
                deposit_fen=deposit,
                condition="good",
            )
            for kind, count, deposit in STOCK
            for i in range(count)
        ]
        people = Elder.objects.filter(
            status="active",
            care_setting="home",
            ability_level__gte=1,
            residence_region__path__startswith=region.path,
        ).order_by("pk")[:8]
        for device, person in zip(devices[::2], people, strict=False):
            days_ago = 100 if lent == 0 else 10 + lent * 3  # the first is overdue
            services.loan_create(
                by=clerk,
                device_id=device.pk,
                elder=person,
                lent_on=today - dt.timedelta(days=days_ago),
            )
            lent += 1
        on_loan = list(
            AidDevice.objects.filter(point=point, state="on_loan").order_by("pk")
        )
        for device in on_loan[-2:]:
            services.loan_return(by=clerk, device_id=device.pk, note="家属送回")
        if len(on_loan) >= 2:  # one failed its inspection after cleaning: in repair
            services.device_step(
                by=clerk, device_id=on_loan[-2].pk, action="fail", note="刹车失灵"
            )
        cleaning += min(len(on_loan), 2)
    progress(
        f"康复辅具：借用点 {len(places)} 个，借出 {lent} 件，归还待清洁或维修 {cleaning} 件"
    )
