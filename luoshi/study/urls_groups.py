from django.urls import path

from luoshi.study import views_groups, views_signin

urlpatterns = [
    path("groups/", views_groups.group_list, name="group_list"),
    path("groups/new/", views_groups.group_new, name="group_new"),
    path("groups/near/", views_groups.near, name="group_near"),
    path("groups/<int:pk>/", views_groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views_groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/", views_groups.members_edit, name="group_members"),
    path("groups/<int:pk>/membership/", views_groups.membership, name="group_membership"),
    path("groups/<int:pk>/meetings/new/", views_groups.meeting_new, name="group_meeting_new"),
    path("groups/meetings/<int:pk>/", views_groups.meeting_detail, name="group_meeting"),
    path("sessions/<int:pk>/sign-in-code/", views_signin.code_page, name="signin_code"),
    path("sessions/<int:pk>/sign-in-code/panel/", views_signin.code_panel, name="signin_code_panel"),
]
