from django.urls import path

from luoshi.lectures import views, views_actions

app_name = "lectures"
urlpatterns = [
    path("", views.index, name="index"),
    path("categories/new/", views.category_new, name="category_new"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/import/", views.menu_import, name="menu_import"),
    path("items/template.xlsx", views.menu_template, name="menu_template"),
    path("items/export.xlsx", views.menu_export, name="menu_export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/order/", views.order_new, name="order_new"),
    path("orders/", views.orders, name="orders"),
    path("orders/mine/", views.mine, name="mine"),
    path("orders/calendar/", views.calendar, name="calendar"),
    path("orders/export.xlsx", views.order_export, name="order_export"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/dispatch/", views_actions.DispatchView.as_view(), name="dispatch"),
    path("orders/<int:pk>/accept/", views_actions.AcceptView.as_view(), name="accept"),
    path("orders/<int:pk>/decline/", views_actions.DeclineView.as_view(), name="decline"),
    path("orders/<int:pk>/hold/", views_actions.HoldView.as_view(), name="hold"),
    path("orders/<int:pk>/record/", views_actions.RecordView.as_view(), name="record"),
    path("orders/<int:pk>/rate/", views_actions.RateView.as_view(), name="rate"),
    path("orders/<int:pk>/cancel/", views_actions.CancelView.as_view(), name="cancel"),
]
