from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "yanglao.benefits"
    verbose_name = "补贴津贴"
