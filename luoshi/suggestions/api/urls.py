from rest_framework.routers import SimpleRouter

from luoshi.suggestions.api.urls_rates import urlpatterns as rates_urls
from luoshi.suggestions.api.views import AnswerTemplateViewSet, SuggestionViewSet

router = SimpleRouter()
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("suggestion-templates", AnswerTemplateViewSet, basename="suggestion-template")
urlpatterns = router.urls + rates_urls
