from django.apps import AppConfig


class HomesupportConfig(AppConfig):
    name = "yanglao.homesupport"
    label = "homesupport"
    verbose_name = "家庭支持"

    def ready(self) -> None:
        from yanglao.elders.profile import register_person_section
        from yanglao.homesupport.profile import aids_section, family_support_section

        # 一人一档: the assistive devices a person holds; modifications, respite, carers trained.
        register_person_section(55, aids_section)
        register_person_section(56, family_support_section)
