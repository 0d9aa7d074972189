from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "yanglao.indicators"
    label = "indicators"
    verbose_name = "指标与规划目标"
