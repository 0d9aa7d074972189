from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "yanglao.assessments"
    label = "assessments"
    verbose_name = "老年人能力评估"
