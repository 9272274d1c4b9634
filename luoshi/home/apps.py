from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "luoshi.home"
    label = "home"
    verbose_name = "我的待办"
