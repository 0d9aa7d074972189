"""Demo city, indicators: the catalogue, Jingdezhen's own 专栏1 targets for the city, and the values
of last year and of this year month by month, computed from the records just made."""

from __future__ import annotations

import datetime as dt

from yanglao.indicators import services
from yanglao.indicators.catalogue import DEMO_DOCUMENT
from yanglao.regions.models import Region


def build_indicators(*, today: dt.date, progress) -> None:
    services.catalogue_install()
    city = Region.objects.get(code="360200")
    services.targets_install(region=city, document=DEMO_DOCUMENT)
    took = services.recompute([str(today.year - 1)])
    took.update(services.recompute_year(today.year))
    progress(f"指标：{len(took)} 个统计期，用时 {sum(took.values()):.1f} 秒")
