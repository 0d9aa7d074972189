"""Every write of supervision, split by concern: draws (双随机), complaints (投诉举报), inspections
and rectification, prepaid-fee custody, grading and the yearly evaluation, credit and the lists."""

from yanglao.supervision.services.cases import case_close, case_open, escalate_overdue
from yanglao.supervision.services.complaints import (
    complaint_acknowledge,
    complaint_answer,
    complaint_phone,
    complaint_submit,
)
from yanglao.supervision.services.credit import (
    commitment_sign,
    credit_record,
    list_end,
    list_enter,
)
from yanglao.supervision.services.draws import (
    draw_commit,
    draw_run,
    frozen_input,
    object_code,
    plan_create,
    stratum_of,
)
from yanglao.supervision.services.emergency import drill_record, plan_record
from yanglao.supervision.services.grading import (
    evaluation_run,
    grading_apply,
    grading_decide,
    grading_score,
    sheet_install,
)
from yanglao.supervision.services.inspections import (
    checklist_install,
    inspection_acknowledge,
    inspection_checkin,
    inspection_photo_add,
    inspection_photo_open,
    inspection_record,
    inspection_sign,
    inspection_start,
    rectification_answer,
    rectification_verify,
)
from yanglao.supervision.services.prepaid import (
    account_open,
    account_unfreeze,
    alert_close,
    statement_upload,
)

__all__ = [
    "commitment_sign",
    "drill_record",
    "plan_record",
    "case_close",
    "case_open",
    "escalate_overdue",
    "credit_record",
    "list_end",
    "list_enter",
    "evaluation_run",
    "grading_apply",
    "grading_decide",
    "grading_score",
    "sheet_install",
    "account_open",
    "account_unfreeze",
    "alert_close",
    "statement_upload",
    "checklist_install",
    "complaint_acknowledge",
    "complaint_answer",
    "complaint_phone",
    "complaint_submit",
    "draw_commit",
    "draw_run",
    "frozen_input",
    "inspection_acknowledge",
    "inspection_checkin",
    "inspection_photo_add",
    "inspection_photo_open",
    "inspection_record",
    "inspection_sign",
    "inspection_start",
    "object_code",
    "plan_create",
    "rectification_answer",
    "rectification_verify",
    "stratum_of",
]
