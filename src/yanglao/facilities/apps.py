from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "yanglao.facilities"
    label = "facilities"
    verbose_name = "养老机构与从业人员"
