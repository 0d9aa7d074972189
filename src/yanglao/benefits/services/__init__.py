"""Every write of subsidies and allowances, one module per concern: `programmes` (rules as data),
`person_check` (one person against every programme), `applications` (the approval steps), `cycles`
(发放周期, 补发/追回), `payments` (batches, bank files, 回盘, recovery, the ledger), `shared`. Callers
use `benefits.services.<function>`; docs/benefits.md."""

from yanglao.benefits.services.applications import (
    _role_name,
    application_decide,
    application_end,
    application_submit,
    applications_decide_many,
)
from yanglao.benefits.services.claims import claim_file
from yanglao.benefits.services.cycles import (
    ENTITLEMENT_COLUMNS,
    _as_values,
    _compute,
    _corrections,
    _decide,
    _evaluate_all,
    _in_force,
    _receiving_of,
    _row,
    _split,
    _stopped,
    _tier,
    _totals,
    cycle_approve,
    cycle_run,
    cycle_start,
)
from yanglao.benefits.services.payments import (
    RETURN_COLUMNS,
    _cell,
    bank_account_set,
    bank_return_import,
    payment_batch_create,
    recovery_record,
)
from yanglao.benefits.services.person_check import (
    _unmet_conditions,
    _with_receiving,
    check_person,
)
from yanglao.benefits.services.programmes import (
    _check_funding,
    programme_create,
    version_close,
    version_create,
)
from yanglao.benefits.services.shared import (
    ATTACHMENT_MAX,
    ATTACHMENT_TYPES,
    _require_bureau,
    log,
    lookback_months,
)

__all__ = [
    "applications_decide_many",
    "ATTACHMENT_MAX",
    "ATTACHMENT_TYPES",
    "ENTITLEMENT_COLUMNS",
    "RETURN_COLUMNS",
    "_as_values",
    "_cell",
    "_check_funding",
    "_compute",
    "_corrections",
    "_decide",
    "_evaluate_all",
    "_in_force",
    "_receiving_of",
    "_require_bureau",
    "_role_name",
    "_row",
    "_split",
    "_stopped",
    "_tier",
    "_totals",
    "_unmet_conditions",
    "_with_receiving",
    "application_decide",
    "application_end",
    "application_submit",
    "bank_account_set",
    "bank_return_import",
    "check_person",
    "claim_file",
    "cycle_approve",
    "cycle_run",
    "cycle_start",
    "log",
    "lookback_months",
    "payment_batch_create",
    "programme_create",
    "recovery_record",
    "version_close",
    "version_create",
]
