"""Every write of 家庭支持, one module per concern: `lending` (康复辅具), `modifications`
(居家适老化改造), `respite` (喘息服务), `training` (家庭照护者培训). Callers use
`homesupport.services.<function>`; docs/homesupport.md."""

from yanglao.homesupport.services.lending import (
    device_add,
    device_step,
    loan_create,
    loan_return,
    point_create,
    waiting_add,
)
from yanglao.homesupport.services.modifications import (
    price_list_adopt,
    project_accept,
    project_apply,
    project_assess,
    project_complete,
    project_photo_add,
    project_plan,
    project_withdraw,
    quota_set,
)

__all__ = [
    "device_add",
    "device_step",
    "loan_create",
    "loan_return",
    "point_create",
    "price_list_adopt",
    "project_accept",
    "project_apply",
    "project_assess",
    "project_complete",
    "project_photo_add",
    "project_plan",
    "project_withdraw",
    "quota_set",
    "waiting_add",
]
