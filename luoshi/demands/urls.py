from django.urls import path

from luoshi.demands import views, views_imports

app_name = "demands"
urlpatterns = [
    path("", views.demand_list, name="list"),
    path("export/", views.demand_export, name="export"),
    path("import/", views_imports.import_page, name="import"),
    path("import/template.xlsx", views_imports.import_template, name="import_template"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
    path("<int:pk>/sign/", views.SignView.as_view(), name="sign"),
    path("<int:pk>/respond/", views.RespondView.as_view(), name="respond"),
    path("<int:pk>/finish/", views.FinishView.as_view(), name="finish"),
    path("<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("<int:pk>/call-back/", views.CallBackView.as_view(), name="call_back"),
    path("<int:pk>/redo/", views.RedoView.as_view(), name="redo"),
    path("<int:pk>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<int:pk>/escalate/", views.EscalateView.as_view(), name="escalate"),
    path("<int:pk>/extension/", views.RequestExtensionView.as_view(), name="request_extension"),
    path(
        "<int:pk>/extension/<int:extension_pk>/approve/",
        views.ApproveExtensionView.as_view(),
        name="approve_extension",
    ),
    path("<int:pk>/extension/<int:extension_pk>/reject/", views.RejectExtensionView.as_view(), name="reject_extension"),
    path("<int:pk>/link-problem/", views.LinkProblemView.as_view(), name="link_problem"),
]
