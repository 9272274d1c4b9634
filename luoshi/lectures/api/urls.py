from rest_framework.routers import SimpleRouter

from luoshi.lectures.api.views import LectureItemViewSet, LectureOrderViewSet

router = SimpleRouter()
router.register("lecture-items", LectureItemViewSet, basename="lecture-item")
router.register("lecture-orders", LectureOrderViewSet, basename="lecture-order")
urlpatterns = router.urls
