from django.urls import path

from luoshi.demands import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("file/", public.file_demand, name="file"),
    path("file/done/", public.filed, name="filed"),
    path("track/", public.track, name="track"),
    path("track/rate/", public.rate, name="rate"),
]
