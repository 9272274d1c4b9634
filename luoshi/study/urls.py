from django.urls import path

from luoshi.study import views
from luoshi.study.urls_groups import urlpatterns as groups_urls
from luoshi.study.urls_plans import urlpatterns as plans_urls

app_name = "study"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("below/", views.below, name="below"),
    path("classes/new/", views.class_new, name="class_new"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classes/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("classes/<int:pk>/roster/", views.roster, name="roster"),
    path("sessions/<int:pk>/", views.session_attendance, name="session"),
    path("sessions/<int:pk>/attendance.xlsx", views.session_export, name="session_export"),
    path("sessions/<int:pk>/leave/", views.leave_new, name="leave_new"),
    path("leaves/", views.leaves, name="leaves"),
    path("leaves/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("mine/", views.mine, name="mine"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage_export"),
    path("rotations/", views.rotation_list, name="rotations"),
    path("rotations/new/", views.rotation_new, name="rotation_new"),
    path("rotations/<int:pk>/", views.rotation_detail, name="rotation"),
    path("rotations/<int:pk>/edit/", views.rotation_edit, name="rotation_edit"),
    path("rotations/<int:pk>/batches/new/", views.batch_new, name="batch_new"),
    path("rotations/<int:pk>/not-trained.xlsx", views.rotation_export, name="rotation_export"),
]

urlpatterns += groups_urls + plans_urls
