from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "luoshi.rankings"
    label = "rankings"
    verbose_name = "晾晒排名"
