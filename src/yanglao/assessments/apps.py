from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "yanglao.assessments"
    label = "assessments"
    verbose_name = "老年人能力评估"

    def ready(self) -> None:
        from yanglao.assessments.profile import person_section as assessments_section
        from yanglao.elders.profile import register_person_section

        # 一人一档: this app's records on the person's page.
        register_person_section(10, assessments_section)
        from yanglao.assessments.selectors import people_on_assessors_teams
        from yanglao.core import permissions
        from yanglao.elders.selectors import register_elder_scope

        # 评估员 see the people whose assessment teams they sit on, nobody else.
        register_elder_scope(permissions.is_assessor, people_on_assessors_teams)
