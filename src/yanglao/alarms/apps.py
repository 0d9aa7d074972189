from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "yanglao.alarms"
    label = "alarms"
    verbose_name = "智能终端与紧急呼叫"
