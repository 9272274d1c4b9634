from django.urls import path

from luoshi.collection import views, views_actions

app_name = "collection"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("mine/", views.mine, name="mine"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/revise/", views.template_revise, name="template_revise"),
    path("templates/<int:pk>/open/", views.round_open, name="round_open"),
    path("templates/<int:pk>/series.xlsx", views.series_export, name="series_export"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/urge/", views.round_urge, name="round_urge"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("rounds/<int:pk>/fill.xlsx", views.round_fill_template, name="round_fill_template"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/accept/", views_actions.AcceptView.as_view(), name="accept"),
    path("submissions/<int:pk>/return/", views_actions.ReturnView.as_view(), name="return"),
    path("files/<int:pk>/", views.file_download, name="file"),
]
