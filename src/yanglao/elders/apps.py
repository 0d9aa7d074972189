from django.apps import AppConfig


class EldersConfig(AppConfig):
    name = "yanglao.elders"
    label = "elders"
    verbose_name = "老年人档案"
