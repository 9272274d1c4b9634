from typing import Any

from django.urls import include, path

from luoshi.suggestions import views, views_actions
from luoshi.suggestions.urls_rates import urlpatterns as rates_urls

app_name = "suggestions"
urlpatterns: list[Any] = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("to-answer/", views.to_answer, name="to_answer"),
    path("overdue/", views.overdue, name="overdue"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/triage/", views_actions.TriageView.as_view(), name="triage"),
    path("<int:pk>/refer/", views_actions.ReferView.as_view(), name="refer"),
    path("<int:pk>/answer/", views_actions.AnswerView.as_view(), name="answer"),
    path("<int:pk>/decide/", views_actions.DecideView.as_view(), name="decide"),
    path("<int:pk>/dismiss/", views_actions.DismissView.as_view(), name="dismiss"),
    path("<int:pk>/note/", views_actions.NoteView.as_view(), name="note"),
    path("<int:pk>/group/", views_actions.GroupView.as_view(), name="group_set"),
    path("<int:pk>/convert-task/", views_actions.ConvertTaskView.as_view(), name="convert_task"),
    path("<int:pk>/convert-problem/", views_actions.ConvertProblemView.as_view(), name="convert_problem"),
    path("<int:pk>/convert-proposal/", views_actions.ConvertProposalView.as_view(), name="convert_proposal"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("bulk-answer/", views.bulk_answer, name="bulk_answer"),
]

urlpatterns += [path("rates/", include(rates_urls))]
