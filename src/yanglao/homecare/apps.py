from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "yanglao.homecare"
    verbose_name = "居家社区养老服务"

    def ready(self) -> None:
        from yanglao.elders.profile import register_person_section
        from yanglao.homecare.profile import person_section as homecare_section

        # 一人一档: this app's records on the person's page.
        register_person_section(30, homecare_section)
