"""Every read of 家庭支持, one module per concern (see services/__init__.py)."""

from yanglao.homesupport.selectors.lending import (
    DeviceFilter,
    current_loan,
    device_get,
    device_log,
    devices_of,
    holdings_of,
    overdue_loans,
    point_get,
    point_list,
    waiting_of,
)
from yanglao.homesupport.selectors.modifications import (
    ProjectFilter,
    checklist_for,
    contractors_for,
    modifications_of,
    photo_get,
    price_list,
    progress_by_region,
    project_get,
    project_list,
    visit_findings,
)

__all__ = [
    "DeviceFilter",
    "ProjectFilter",
    "checklist_for",
    "contractors_for",
    "current_loan",
    "device_get",
    "device_log",
    "devices_of",
    "holdings_of",
    "modifications_of",
    "overdue_loans",
    "photo_get",
    "point_get",
    "point_list",
    "price_list",
    "progress_by_region",
    "project_get",
    "project_list",
    "visit_findings",
    "waiting_of",
]
