from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "yanglao.facilities"
    label = "facilities"
    verbose_name = "养老机构与从业人员"

    def ready(self) -> None:
        from yanglao.elders.profile import register_person_section
        from yanglao.facilities.profile import person_section as facilities_section

        # 一人一档: this app's records on the person's page.
        register_person_section(60, facilities_section)
        from yanglao.core import permissions
        from yanglao.elders.selectors import register_elder_scope
        from yanglao.facilities.selectors import residents_of_users_facility

        # 机构管理员 see the people living in their facility now.
        register_elder_scope(permissions.acts_for_facility, residents_of_users_facility)
