from django.urls import URLPattern, path

from luoshi.supervision import views, views_actions, views_reports

app_name = "supervision"
urlpatterns: list[URLPattern] = [
    # groups, visits, findings, checklist and ranking (督导组)
    path("", views.group_list, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("groups/<int:pk>/assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("groups/<int:pk>/visits/new/", views.visit_plan, name="visit_plan"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("groups/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/confirm/", views_actions.ConfirmView.as_view(), name="confirm"),
    path("findings/<int:pk>/transfer/", views_actions.TransferView.as_view(), name="transfer"),
    path("findings/<int:pk>/dismiss/", views_actions.DismissView.as_view(), name="dismiss"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklist/<int:pk>/move/", views.checklist_move, name="checklist_move"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking.xlsx", views.ranking_export, name="ranking_export"),
    # the per-unit supervision reports (督导反馈报告): views_reports
    path("reports/", views_reports.report_list, name="reports"),
    path("reports/mine/", views_reports.report_mine, name="reports_mine"),
    path("reports/new/", views_reports.report_generate, name="report_generate"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/<int:pk>/generate/", views_reports.RegenerateView.as_view(), name="report_regenerate"),
    path("reports/<int:pk>/issue/", views_reports.IssueView.as_view(), name="report_issue"),
    path("reports/<int:pk>/withdraw/", views_reports.WithdrawView.as_view(), name="report_withdraw"),
    path("reports/<int:pk>/acknowledge/", views_reports.AcknowledgeView.as_view(), name="report_acknowledge"),
    path("reports/versions/<int:pk>/", views_reports.version_download, name="report_version"),
]
