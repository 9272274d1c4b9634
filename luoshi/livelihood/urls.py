from django.urls import path

from luoshi.livelihood import views, views_files, views_proposals

app_name = "livelihood"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views_files.export, name="export"),
    path("import/", views_files.import_page, name="import"),
    path("import/template.xlsx", views_files.import_template, name="import_template"),
    path("settings/", views.campaign_settings, name="settings"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.EditProjectView.as_view(), name="edit"),
    path("<int:pk>/milestones/new/", views.AddMilestoneView.as_view(), name="add_milestone"),
    path("<int:pk>/milestones/<int:milestone_pk>/reach/", views.ReachMilestoneView.as_view(), name="reach_milestone"),
    path("<int:pk>/tasks/new/", views.AddTaskView.as_view(), name="add_task"),
    path("<int:pk>/progress/", views.ReportProjectProgressView.as_view(), name="report_progress"),
    path("<int:pk>/complete/", views.CompleteProjectView.as_view(), name="complete"),
    path("<int:pk>/evaluate/", views.EvaluateProjectView.as_view(), name="evaluate"),
    path("<int:pk>/stop/", views.StopProjectView.as_view(), name="stop"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/start/", views.StartTaskView.as_view(), name="task_start"),
    path("tasks/<int:pk>/finish/", views.FinishTaskView.as_view(), name="task_finish"),
    path("tasks/<int:pk>/close/", views.CloseTaskView.as_view(), name="task_close"),
    path("tasks/<int:pk>/reopen/", views.ReopenTaskView.as_view(), name="task_reopen"),
    path("tasks/<int:pk>/progress/", views.ReportTaskProgressView.as_view(), name="task_progress"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("proposals/", views_proposals.proposal_list, name="proposals"),
    path("proposals/new/", views_proposals.proposal_new, name="proposal_new"),
    path("proposals/vote/", views_proposals.vote, name="vote"),
    path("proposals/<int:pk>/", views_proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/shortlist/", views_proposals.ShortlistView.as_view(), name="shortlist"),
    path("proposals/<int:pk>/decline/", views_proposals.DeclineView.as_view(), name="decline"),
    path("proposals/<int:pk>/contact/", views_proposals.RevealContactView.as_view(), name="reveal_contact"),
]
