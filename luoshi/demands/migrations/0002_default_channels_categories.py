"""Default demand channels and category tree (诉求渠道、诉求分类); both stay configurable."""

from typing import Any

from django.db import migrations

CHANNELS = [
    ("hotline", "12345热线"),
    ("web", "网站"),
    ("app", "移动应用"),
    ("letter", "来信"),
    ("visit", "下访接访"),
    ("tv", "电视问政"),
]
CATEGORIES = [
    ("物业管理", ["物业服务", "维修资金", "公共收益", "停车管理"]),
    ("住房", ["房屋质量", "租赁", "拆迁安置"]),
    ("交通", ["公共交通", "道路设施", "交通秩序"]),
    ("环保", ["噪声", "大气污染", "水污染"]),
    ("教育", ["入学", "校外培训"]),
    ("医疗卫生", ["就医服务", "医保"]),
    ("市场监管", ["食品安全", "消费维权"]),
    ("城市管理", ["市容环境", "违章建筑"]),
    ("社会保障", ["养老", "就业", "社会救助"]),
    ("其他", []),
]


def add_defaults(apps: Any, schema_editor: Any) -> None:
    channel_model = apps.get_model("demands", "DemandChannel")
    category_model = apps.get_model("demands", "Category")
    for order, (code, name) in enumerate(CHANNELS):
        channel_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (name, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.get_or_create(parent=None, name=name, defaults={"order": order})
        for child_order, child in enumerate(children):
            category_model.objects.get_or_create(parent=parent, name=child, defaults={"order": child_order})


def remove_defaults(apps: Any, schema_editor: Any) -> None:
    apps.get_model("demands", "DemandChannel").objects.filter(code__in=[c for c, _ in CHANNELS]).delete()
    category_model = apps.get_model("demands", "Category")
    roots = category_model.objects.filter(parent=None, name__in=[n for n, _ in CATEGORIES])
    category_model.objects.filter(parent__in=roots).delete()
    roots.delete()


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
