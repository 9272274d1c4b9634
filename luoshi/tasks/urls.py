from django.urls import path

from luoshi.tasks import views, views_actions, views_files

app_name = "tasks"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.task_new, name="new"),
    path("sources/", views.sources, name="sources"),
    path("export.xlsx", views_files.tasks_export, name="export"),
    path("import/", views_files.import_tasks, name="import"),
    path("import/template.xlsx", views_files.import_template, name="import_template"),
    path("evidence/<int:pk>/", views_files.evidence_download, name="evidence"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/export.xlsx", views_files.assignments_export, name="assignments_export"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/sign/", views_actions.SignView.as_view(), name="sign"),
    path("assignments/<int:pk>/progress/", views_actions.ReportProgressView.as_view(), name="report_progress"),
    path("assignments/<int:pk>/finish/", views_actions.RequestFinishView.as_view(), name="request_finish"),
    path("assignments/<int:pk>/accept/", views_actions.AcceptView.as_view(), name="accept"),
    path("assignments/<int:pk>/send-back/", views_actions.SendBackView.as_view(), name="send_back"),
    path("assignments/<int:pk>/revoke/", views_actions.RevokeView.as_view(), name="revoke"),
    path("assignments/<int:pk>/reopen/", views_actions.ReopenView.as_view(), name="reopen"),
    path("assignments/<int:pk>/pass-down/", views_actions.PassDownView.as_view(), name="pass_down"),
    path("assignments/<int:pk>/extension/", views_actions.RequestExtensionView.as_view(), name="request_extension"),
    path(
        "assignments/<int:pk>/extension/<int:extension_pk>/approve/",
        views_actions.ApproveExtensionView.as_view(),
        name="approve_extension",
    ),
    path(
        "assignments/<int:pk>/extension/<int:extension_pk>/reject/",
        views_actions.RejectExtensionView.as_view(),
        name="reject_extension",
    ),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/milestones/new/", views.milestone_new, name="milestone_new"),
    path("<int:pk>/milestones/<int:milestone_pk>/reach/", views.milestone_reach, name="milestone_reach"),
]
