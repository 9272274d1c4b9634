from rest_framework.routers import SimpleRouter

from luoshi.rankings.api.views import RankingViewSet, SchemeViewSet

router = SimpleRouter()
router.register("rankings", RankingViewSet, basename="ranking")
router.register("ranking-schemes", SchemeViewSet, basename="ranking-scheme")
urlpatterns = router.urls
