"""Family notifications (家属通知) through a pluggable gateway (settings.NOTIFY_BACKEND).

A backend has `send(notification) -> (status, detail)`. The default writes nothing outside: it
marks the notification as logged, so it shows on the alarm page and in the notification log until
an SMS or WeChat gateway is configured (docs/alarms.md "家属通知")."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from yanglao.alarms.models import Notification


class LogBackend:
    """No gateway: the notification is kept in the log (and on the page) only."""

    def send(self, notification: Notification) -> tuple[str, str]:
        return Notification.Status.LOGGED, "未配置短信/微信网关，已记录"


def backend():
    return import_string(settings.NOTIFY_BACKEND)()


def deliver(ids: list[int]) -> None:
    """Send pending notifications; a failure is recorded on the row, never raised to the caller
    (an alarm is never held up by a gateway)."""
    sender = backend()
    for note in Notification.objects.filter(
        id__in=ids, status=Notification.Status.PENDING
    ):
        try:
            status, detail = sender.send(note)
        except Exception as exc:  # the gateway is outside our control
            status, detail = Notification.Status.FAILED, str(exc)[:200]
        note.status, note.detail, note.sent_at = status, detail[:200], timezone.now()
        note.save(update_fields=["status", "detail", "sent_at"])
