from django.urls import path

from luoshi.problems import views

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.problem_new, name="new"),
    path("units/", views.unit_choices, name="unit_choices"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("classes/", views.class_list, name="classes"),
    path("classes/new/", views.class_new, name="class_new"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("<int:pk>/", views.problem_detail, name="detail"),
    path("<int:pk>/edit/", views.EditProblemView.as_view(), name="edit"),
    path("<int:pk>/claim/", views.ClaimView.as_view(), name="claim"),
    path("<int:pk>/measures/new/", views.AddMeasureView.as_view(), name="add_measure"),
    path("<int:pk>/measures/<int:measure_pk>/complete/", views.CompleteMeasureView.as_view(), name="complete_measure"),
    path("<int:pk>/progress/", views.ReportProgressView.as_view(), name="report_progress"),
    path("<int:pk>/closure/", views.RequestClosureView.as_view(), name="request_closure"),
    path("<int:pk>/closure/approve/", views.ApproveClosureView.as_view(), name="approve_closure"),
    path("<int:pk>/closure/send-back/", views.SendBackView.as_view(), name="send_back"),
    path("<int:pk>/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("<int:pk>/extension/", views.RequestExtensionView.as_view(), name="request_extension"),
    path(
        "<int:pk>/extension/<int:extension_pk>/approve/",
        views.ApproveExtensionView.as_view(),
        name="approve_extension",
    ),
    path("<int:pk>/extension/<int:extension_pk>/reject/", views.RejectExtensionView.as_view(), name="reject_extension"),
]
