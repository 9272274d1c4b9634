from django.urls import path

from luoshi.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_new, name="new"),
    path("import/", views.member_import, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("export/", views.member_export, name="export"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/deactivate/", views.member_deactivate, name="deactivate"),
]
