from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "luoshi.analysis"
    label = "analysis"
    verbose_name = "月度分析"
