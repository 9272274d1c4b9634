from django.urls import path

from luoshi.livelihood.public import views

app_name = "public_livelihood"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.campaign, name="campaign"),
    path("propose/", views.propose, name="propose"),
    path("propose/done/", views.proposed, name="proposed"),
]
