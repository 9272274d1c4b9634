from django.urls import path

from luoshi.suggestions import public

app_name = "suggestions_public"

urlpatterns = [
    path("", public.file_suggestion, name="file"),
    path("filed/", public.filed, name="filed"),
    path("track/", public.track, name="track"),
    path("answers/", public.answers, name="answers"),
]
