from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yanglao.supervision"
    label = "supervision"
    verbose_name = "综合监管"

    def ready(self) -> None:
        from yanglao.core import complaints, sanctions
        from yanglao.facilities.sections import register_facility_section
        from yanglao.supervision.profile import facility_section
        from yanglao.supervision.services.credit import barred

        # 一院一档: grade, evaluation, credit and inspections on the institution's page.
        register_facility_section(10, facility_section)
        # 联合惩戒: a black-listed provider takes no new government-purchased orders.
        sanctions.register(barred)
        # Home-care complaints join the one complaint list (投诉举报).
        from yanglao.supervision.services.complaints import complaint_from_order

        complaints.register(complaint_from_order)
        # 运营补贴与等级挂钩: benefits programmes may require the resident's institution's grade.
        from yanglao.core import facility_facts
        from yanglao.supervision.selectors import grades_on

        facility_facts.register_grades(grades_on)
        from yanglao.supervision.selectors import evaluation_ranks_on

        facility_facts.register_evaluations(evaluation_ranks_on)
