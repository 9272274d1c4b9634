from django.contrib.auth import views as auth_views
from django.urls import path

from luoshi.accounts import twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("no-role/", views.no_role, name="no_role"),
    path("password/", views.password_change, name="password_change"),
    path("token/", views.api_token, name="api_token"),
    path("2fa/", twofactor_views.two_factor, name="two_factor"),
    path("2fa/enrol/", twofactor_views.two_factor_enrol, name="two_factor_enrol"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/units/", views.unit_search, name="unit_search"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/2fa/reset/", twofactor_views.user_reset_two_factor, name="user_reset_two_factor"),
    path("users/<int:pk>/roles/", views.role_assign, name="role_assign"),
    path("users/<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke, name="role_revoke"),
]
