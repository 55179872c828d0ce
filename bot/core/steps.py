"""Names of the steps a woman can be in; stored in `conversation_states.step`."""

from enum import StrEnum


class Step(StrEnum):
    REG_NAME = "reg_name"
    REG_COMMUNITY = "reg_community"
    REG_COMMUNITY_OTHER = "reg_community_other"
    REG_AGE = "reg_age"
    REG_PHONE = "reg_phone"
    REPORT_SAFETY = "report_safety"
    REPORT_DESCRIBE = "report_describe"
    CASE_ADD = "case_add"
    NET_ORG = "net_org"
    NET_COMMUNITY = "net_community"
    NET_COMMUNITY_OTHER = "net_community_other"
    NET_ROLE = "net_role"
    LEADER_ANNOUNCE = "leader_announce"
    NW_NAME = "nw_name"
    NW_FORM = "nw_form"
    NW_COMMUNITY_OTHER = "nw_community_other"
