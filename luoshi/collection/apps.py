from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "luoshi.collection"
    label = "collection"
    verbose_name = "定期报送"
