from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "yanglao.homecare"
    verbose_name = "居家社区养老服务"
