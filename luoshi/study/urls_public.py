from django.urls import path

from luoshi.study import views_groups, views_signin

app_name = "study_public"

urlpatterns = [
    path("sign-in/<int:session_pk>/", views_signin.phone_page, name="signin"),
    path("groups/<str:token>.ics", views_groups.group_feed, name="group_feed"),
]
