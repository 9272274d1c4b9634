from rest_framework.routers import SimpleRouter

from luoshi.tasks.api.views import AssignmentViewSet, TaskViewSet

router = SimpleRouter()
router.register("tasks", TaskViewSet, basename="task")
router.register("task-assignments", AssignmentViewSet, basename="task-assignment")
urlpatterns = router.urls
