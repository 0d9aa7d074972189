from django.apps import AppConfig


class HomesupportConfig(AppConfig):
    name = "yanglao.homesupport"
    label = "homesupport"
    verbose_name = "家庭支持"

    def ready(self) -> None:
        from yanglao.elders.profile import register_person_section
        from yanglao.homesupport.profile import aids_section

        # 一人一档: the assistive devices a person holds.
        register_person_section(55, aids_section)
