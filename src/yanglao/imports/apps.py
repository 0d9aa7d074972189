from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "yanglao.imports"
    verbose_name = "数据导入"
