from django.urls import path

from luoshi.suggestions.api.views_rates import SuggestionRatesView

urlpatterns = [path("suggestion-rates/", SuggestionRatesView.as_view(), name="suggestion-rates-list")]
