from django.apps import AppConfig


class LecturesConfig(AppConfig):
    name = "luoshi.lectures"
    label = "lectures"
    verbose_name = "宣讲菜单"
