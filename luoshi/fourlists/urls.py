from django.urls import path

from luoshi.fourlists import views

app_name = "fourlists"
urlpatterns = [
    path("", views.page, name="page"),
    path("export/", views.export, name="export"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("tasks/<int:pk>/innovation/", views.mark_task, name="mark_task"),
    path("measures/<int:pk>/innovation/", views.mark_measure, name="mark_measure"),
]
