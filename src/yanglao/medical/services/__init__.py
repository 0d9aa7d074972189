"""Writes of 医养结合, one module per concern: `contracts` (the directory, contracts, patrols,
in-house units, willingness) and `referrals` (双向转诊 and the liaisons who answer them). Callers
use `medical.services.<function>`."""

from yanglao.medical.services.contracts import (
    INSTITUTION_FIELDS,
    contract_create,
    institution_save,
    patrol_record,
    unit_save,
    willingness_record,
)
from yanglao.medical.services.health import (
    family_contract_end,
    family_contract_record,
    home_bed_close,
    home_bed_open,
)
from yanglao.medical.services.offers import (
    bed_offer_answer,
    bed_offer_create,
    bed_offer_withdraw,
    network_transfer,
)
from yanglao.medical.services.referrals import (
    liaison_create,
    referral_confirm,
    referral_move,
    referral_propose_for_alarm,
    referral_request,
    referrals_escalate,
    referrals_import_fhir,
)

__all__ = [
    "family_contract_end",
    "family_contract_record",
    "home_bed_close",
    "home_bed_open",
    "bed_offer_answer",
    "bed_offer_create",
    "bed_offer_withdraw",
    "network_transfer",
    "INSTITUTION_FIELDS",
    "contract_create",
    "institution_save",
    "liaison_create",
    "patrol_record",
    "referral_confirm",
    "referral_move",
    "referral_propose_for_alarm",
    "referral_request",
    "referrals_escalate",
    "referrals_import_fhir",
    "unit_save",
    "willingness_record",
]
