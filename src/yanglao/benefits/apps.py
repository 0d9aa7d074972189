from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "yanglao.benefits"
    verbose_name = "补贴津贴"

    def ready(self) -> None:
        from yanglao.benefits.profile import person_section as benefits_section
        from yanglao.elders.profile import register_person_section

        # 一人一档: this app's records on the person's page.
        register_person_section(20, benefits_section)
