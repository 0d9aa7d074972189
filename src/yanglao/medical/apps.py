from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "yanglao.medical"
    label = "medical"
    verbose_name = "医养结合"

    def ready(self) -> None:
        from yanglao.facilities.sections import register_facility_section
        from yanglao.medical.profile import facility_section

        # 一院一档: the institution's medical contracts and in-house unit on its page.
        register_facility_section(5, facility_section)

        # 一人一档: a 特困 person's 集中供养 answers on their page.
        from yanglao.elders.profile import register_person_section
        from yanglao.medical.profile import (
            health_section,
            person_section,
            referral_section,
        )

        register_person_section(45, person_section)
        register_person_section(46, referral_section)
        register_person_section(47, health_section)
