from django.urls import path

from luoshi.research import views, views_actions

app_name = "research"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("directions/new/", views.direction_new, name="direction_new"),
    path("directions/<int:pk>/edit/", views.direction_edit, name="direction_edit"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("topics/import/", views.topic_import, name="topic_import"),
    path("topics/template.xlsx", views.topic_template, name="topic_template"),
    path("topics/export.xlsx", views.topic_export, name="topic_export"),
    path("plans/", views.plans, name="plans"),
    path("plans/mine/", views.mine, name="mine"),
    path("plans/export.xlsx", views.plan_export, name="plan_export"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views_actions.SubmitView.as_view(), name="submit"),
    path("plans/<int:pk>/return/", views_actions.ReturnView.as_view(), name="return"),
    path("plans/<int:pk>/approve/", views_actions.ApproveView.as_view(), name="approve"),
    path("plans/<int:pk>/start/", views_actions.StartView.as_view(), name="start"),
    path("plans/<int:pk>/report/", views_actions.ReportView.as_view(), name="report"),
    path("plans/<int:pk>/convert-task/", views_actions.ConvertTaskView.as_view(), name="convert_task"),
    path("plans/<int:pk>/convert-problem/", views_actions.ConvertProblemView.as_view(), name="convert_problem"),
    path("plans/<int:pk>/visit/", views_actions.VisitView.as_view(), name="visit"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
