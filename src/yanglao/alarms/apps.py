from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "yanglao.alarms"
    label = "alarms"
    verbose_name = "智能终端与紧急呼叫"

    def ready(self) -> None:
        from yanglao.alarms.profile import person_section as alarms_section
        from yanglao.elders.profile import register_person_section

        # 一人一档: this app's records on the person's page.
        register_person_section(50, alarms_section)

        # 一院一档: an institution's fire detectors on its page.
        from yanglao.alarms.profile import facility_section
        from yanglao.facilities.sections import register_facility_section

        register_facility_section(20, facility_section)
