from django.urls import path

from luoshi.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/<slug:kind>/add/", views.item_add, name="item_add"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/", views.item_update, name="item_update"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/move/", views.item_move, name="item_move"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
]
