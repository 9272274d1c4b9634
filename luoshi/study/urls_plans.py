"""Routes of study plans (学习计划), included in ``luoshi.study.urls`` (namespace ``study``)."""

from django.urls import path

from luoshi.study import views_plans as v

urlpatterns = [
    path("plans/", v.plan_list, name="plan_list"),
    path("plans/export.xlsx", v.plan_export, name="plan_export"),
    path("plans/new/", v.plan_new, name="plan_new"),
    path("plans/<int:pk>/", v.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", v.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", v.PlanSubmitView.as_view(), name="plan_submit"),
    path("plans/<int:pk>/return/", v.PlanReturnView.as_view(), name="plan_return"),
    path("plans/<int:pk>/approve/", v.PlanApproveView.as_view(), name="plan_approve"),
    path("plans/<int:pk>/complete/", v.PlanCompleteView.as_view(), name="plan_complete"),
    path("plans/<int:pk>/items/<int:item>/done/", v.ItemDoneView.as_view(), name="plan_item_done"),
]
