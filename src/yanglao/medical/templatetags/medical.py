"""{% contract_state c %}: a contract's state today, as a tag (有效 / 即将到期 / 已到期 / 未生效)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from yanglao.medical import rules

register = template.Library()
TAGS = {"有效": "status-ok", "即将到期": "status-warn", "已到期": "status-bad"}


@register.simple_tag
def contract_state(contract):
    state = rules.state(contract.starts_on, contract.ends_on, timezone.localdate())
    return format_html('<span class="tag {}">{}</span>', TAGS.get(state, ""), state)
