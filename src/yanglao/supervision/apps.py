from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yanglao.supervision"
    label = "supervision"
    verbose_name = "综合监管"
