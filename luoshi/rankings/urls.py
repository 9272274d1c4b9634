from django.urls import path

from luoshi.rankings import views

app_name = "rankings"
urlpatterns = [
    path("", views.ranking_list, name="list"),
    path("<int:pk>/", views.ranking_detail, name="detail"),
    path("<int:pk>/export.xlsx", views.ranking_export, name="export"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/preview/", views.preview, name="preview"),
    path("schemes/<int:pk>/publish/", views.publish, name="publish"),
]
