from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "yanglao.visits"
    verbose_name = "探访关爱"

    def ready(self) -> None:
        from yanglao.elders.profile import register_person_section
        from yanglao.visits.profile import person_section as visits_section

        # 一人一档: this app's records on the person's page.
        register_person_section(40, visits_section)
