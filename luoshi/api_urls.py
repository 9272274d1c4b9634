from django.urls import include, path

from luoshi.accounts.api import TokenView

urlpatterns = [
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include("luoshi.orgs.api.urls")),
    path("", include("luoshi.campaigns.api.urls")),
    path("", include("luoshi.problems.api.urls")),
    path("", include("luoshi.tasks.api.urls")),
    path("", include("luoshi.demands.api.urls")),
    path("", include("luoshi.livelihood.api.urls")),
    path("", include("luoshi.reports.api.urls")),
    path("", include("luoshi.notices.api.urls")),
    path("", include("luoshi.collection.api.urls")),
    path("", include("luoshi.visits.api.urls")),
    path("", include("luoshi.supervision.api.urls")),
    path("", include("luoshi.research.api.urls")),
    path("", include("luoshi.fourlists.api.urls")),
    path("", include("luoshi.members.api.urls")),
    path("", include("luoshi.study.api.urls")),
    path("", include("luoshi.lectures.api.urls")),
    path("", include("luoshi.suggestions.api.urls")),
    path("", include("luoshi.urging.api.urls")),
    path("", include("luoshi.reminders.api.urls")),
    path("", include("luoshi.rankings.api.urls")),
    path("", include("luoshi.analysis.api.urls")),
]
