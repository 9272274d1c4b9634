from django.contrib.auth import views as auth_views
from django.urls import path

from luoshi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("no-role/", views.no_role, name="no_role"),
    path("users/", views.no_role, name="users"),
]
