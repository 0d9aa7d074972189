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
from yanglao.homesupport.services.respite import (
    respite_book,
    respite_cancel,
    respite_check_in,
    respite_end,
)
from yanglao.homesupport.services.training import (
    attendance_add,
    attendance_mark,
    course_create,
    session_create,
)

__all__ = [
    "attendance_add",
    "attendance_mark",
    "course_create",
    "respite_book",
    "respite_cancel",
    "respite_check_in",
    "respite_end",
    "session_create",
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
