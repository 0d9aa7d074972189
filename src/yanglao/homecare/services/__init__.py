"""Every write of home and community services, one module per concern: `orders` (placing and every
step, check-in/out), `settlement` (月度结算), `plans` (家庭养老床位 and their weekly orders), `meals`
(助餐), `providers` (areas, carers, prices, family links), `quotas`, and `shared` helpers. Callers
use `homecare.services.<function>`; docs/homecare.md."""

from yanglao.homecare.services.calls import order_call
from yanglao.homecare.services.escalation import escalate_unaccepted
from yanglao.homecare.services.meals import (
    _ensure_canteen_staff,
    meal_serve,
    menu_set,
)
from yanglao.homecare.services.orders import (
    _LOCK_FOR_STEP,
    _STEP_EFFECTS,
    _STEP_READS,
    _abnormal,
    _arrive,
    _cancel,
    _complete,
    _concern,
    _confirm,
    _dispatch,
    _dispute,
    _ensure_checkin_window,
    _keep_photo,
    _no_effect,
    _order_locked,
    _placer_channel,
    _rate,
    _release_voucher,
    _settle_dispute,
    complaint_file,
    concern_close,
    order_photo_add,
    order_photo_open,
    order_place,
    order_step,
)
from yanglao.homecare.services.plans import (
    care_bed_sign,
    care_plan_add,
    plan_create,
    plans_generate,
)
from yanglao.homecare.services.providers import (
    _ensure_manager,
    carer_enrol,
    catalogue_load,
    family_link,
    family_unlink,
    price_set,
    provider_area_set,
    provider_terms_set,
)
from yanglao.homecare.services.quotas import (
    voucher_grant,
)
from yanglao.homecare.services.settlement import (
    settlement_approve,
    settlement_build,
)
from yanglao.homecare.services.shared import (
    S,
    _is_staff_for,
    _refuse,
    actors_for,
)

__all__ = [
    "order_call",
    "escalate_unaccepted",
    "S",
    "_LOCK_FOR_STEP",
    "_STEP_EFFECTS",
    "_STEP_READS",
    "_abnormal",
    "_arrive",
    "_cancel",
    "_complete",
    "_concern",
    "_confirm",
    "_dispatch",
    "_dispute",
    "_ensure_canteen_staff",
    "_ensure_checkin_window",
    "_ensure_manager",
    "_is_staff_for",
    "_keep_photo",
    "_no_effect",
    "_order_locked",
    "_placer_channel",
    "_rate",
    "_refuse",
    "_release_voucher",
    "_settle_dispute",
    "actors_for",
    "care_bed_sign",
    "care_plan_add",
    "carer_enrol",
    "catalogue_load",
    "complaint_file",
    "concern_close",
    "family_link",
    "family_unlink",
    "meal_serve",
    "menu_set",
    "order_photo_add",
    "order_photo_open",
    "order_place",
    "order_step",
    "plan_create",
    "plans_generate",
    "price_set",
    "provider_area_set",
    "provider_terms_set",
    "settlement_approve",
    "settlement_build",
    "voucher_grant",
]
