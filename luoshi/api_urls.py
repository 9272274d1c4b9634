from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("", include("luoshi.orgs.api.urls")),
    path("", include("luoshi.campaigns.api.urls")),
    path("", include("luoshi.problems.api.urls")),
    path("", include("luoshi.demands.api.urls")),
    path("", include("luoshi.reports.api.urls")),
]
