"""Roles (角色) and what each may do. Pure data: no Django import."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CIVIL_AFFAIRS = "civil_affairs"
    STREET = "street"
    COMMUNITY = "community"
    FACILITY_ADMIN = "facility_admin"
    PROVIDER_ADMIN = "provider_admin"
    LEADER = "leader"
    ASSESSOR = "assessor"
    OPERATOR = "operator"
    DISPATCH_LEAD = "dispatch_lead"
    CARER = "carer"
    FAMILY = "family"
    ELDER = "elder"


ROLE_NAMES = {
    Role.ADMIN: "系统管理员",
    Role.CIVIL_AFFAIRS: "民政局工作人员",
    Role.STREET: "街道/乡镇工作人员",
    Role.COMMUNITY: "社区/村工作人员",
    Role.FACILITY_ADMIN: "机构管理员",
    Role.PROVIDER_ADMIN: "服务商管理员",
    Role.LEADER: "领导（只读）",
    Role.ASSESSOR: "评估员",
    Role.OPERATOR: "接警员（坐席）",
    Role.DISPATCH_LEAD: "接警值班长",
    Role.CARER: "护理员/服务人员",
    Role.FAMILY: "家属",
    Role.ELDER: "老年人本人",
}

# Roles whose scope is a region subtree (the others are scoped to a facility or a provider).
REGION_ROLES = {
    Role.CIVIL_AFFAIRS,
    Role.STREET,
    Role.COMMUNITY,
    Role.LEADER,
    Role.OPERATOR,
    Role.DISPATCH_LEAD,
}
# Roles that may change the registry of older people within their region.
REGISTRY_WRITERS = {Role.ADMIN, Role.CIVIL_AFFAIRS, Role.STREET, Role.COMMUNITY}
# Roles that may see identity and phone numbers in full (each full view is still audited).
FULL_PII_ROLES = {Role.ADMIN, Role.CIVIL_AFFAIRS}
# Roles that may manage facilities, beds and staff registers.
FACILITY_WRITERS = {Role.ADMIN, Role.CIVIL_AFFAIRS, Role.FACILITY_ADMIN}
# Roles that may file an application for an ability assessment (on behalf of the person or family).
ASSESSMENT_APPLICANTS = {
    Role.ADMIN,
    Role.CIVIL_AFFAIRS,
    Role.STREET,
    Role.COMMUNITY,
    Role.FACILITY_ADMIN,
}
# Roles that assign assessments to an agency's team and keep the agencies' registers.
ASSESSMENT_MANAGERS = {Role.ADMIN, Role.CIVIL_AFFAIRS}
# Roles that answer alarms at the emergency response centre (一键呼救 / "智能终端+人工服务").
ALARM_HANDLERS = {Role.ADMIN, Role.OPERATOR, Role.DISPATCH_LEAD}
# Roles that receive escalations and see the centre's SLA (the supervisor of the shift).
ALARM_SUPERVISORS = {Role.ADMIN, Role.DISPATCH_LEAD, Role.CIVIL_AFFAIRS}
# Roles that register terminals, bind them to older people and set personal thresholds.
DEVICE_MANAGERS = {
    Role.ADMIN,
    Role.CIVIL_AFFAIRS,
    Role.DISPATCH_LEAD,
    Role.STREET,
    Role.COMMUNITY,
}
# Roles that place home-service orders for the older people of their area (代下单, "数字鸿沟").
ORDER_PLACERS = {Role.ADMIN, Role.CIVIL_AFFAIRS, Role.STREET, Role.COMMUNITY}
# Roles acting only for the older people they are linked to (home-service orders, ratings).
LINKED_ROLES = {Role.FAMILY, Role.ELDER}
# Roles that approve providers' monthly settlements and keep the service catalogue and quotas.
SERVICE_MANAGERS = {Role.ADMIN, Role.CIVIL_AFFAIRS}
