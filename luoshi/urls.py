from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from luoshi.core import views as core_views
from luoshi.home import views as home_views


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", healthz),
    path("favicon.ico", core_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("luoshi.accounts.urls")),
    path("orgs/", include("luoshi.orgs.urls")),
    path("campaigns/", include("luoshi.campaigns.urls")),
    path("problems/ledger/", include("luoshi.problems.urls_ledger")),
    path("problems/", include("luoshi.problems.urls")),
    path("tasks/", include("luoshi.tasks.urls")),
    path("demands/rates/", include("luoshi.demands.urls_rates")),
    path("demands/", include("luoshi.demands.urls")),
    path("livelihood/", include("luoshi.livelihood.urls")),
    path("reports/", include("luoshi.reports.urls")),
    path("collection/", include("luoshi.collection.urls")),
    path("visits/", include("luoshi.visits.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("research/", include("luoshi.research.urls")),
    path("fourlists/", include("luoshi.fourlists.urls")),
    path("members/", include("luoshi.members.urls")),
    path("study/", include("luoshi.study.urls")),
    path("lectures/", include("luoshi.lectures.urls")),
    path("suggestions/", include("luoshi.suggestions.urls")),
    path("urging/", include("luoshi.urging.urls")),
    path("reminders/", include("luoshi.reminders.urls")),
    path("rankings/", include("luoshi.rankings.urls")),
    path("analysis/", include("luoshi.analysis.urls")),
    path("audit/", include("luoshi.audit.urls")),
    path("jobs/", include("luoshi.jobs.urls")),
    path("notices/", include("luoshi.notices.urls")),
    path("api/v1/", include("luoshi.api_urls")),
    path("public/livelihood/", include("luoshi.livelihood.urls_public")),
    path("public/suggestions/", include("luoshi.suggestions.urls_public")),
    path("public/study/", include("luoshi.study.urls_public")),
    path("public/", include("luoshi.demands.urls_public")),
    path("open311/v2/", include("luoshi.demands.urls_open311")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its set-up script as a file: the Content-Security-Policy allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
