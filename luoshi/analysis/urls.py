from django.urls import path

from luoshi.analysis import views

app_name = "analysis"
urlpatterns = [
    path("campaigns/<int:pk>/", views.campaign_reports, name="campaign"),
    path("campaigns/<int:pk>/generate/", views.generate, name="generate"),
    path("reports/<int:pk>/download/", views.download_report, name="download"),
]
