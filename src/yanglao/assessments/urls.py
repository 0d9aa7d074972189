from django.urls import path

from yanglao.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("due/", views.due, name="due"),
    path("due/apply/", views.due_apply, name="due_apply"),
    path("export.<str:fmt>", views.export, name="export"),
    path("workload/", views.workload, name="workload"),
    path("import/", views.import_history, name="import"),
    path("elder/<int:elder_pk>/", views.elder_history, name="elder_history"),
    path("elder/<int:elder_pk>/apply/", views.apply, name="apply"),
    path(
        "elder/<int:elder_pk>/historical/", views.historical_add, name="historical_add"
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/form/", views.fill, name="fill"),
    path("<int:pk>/answers/", views.save_answers, name="answers"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/report/", views.report_page, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
