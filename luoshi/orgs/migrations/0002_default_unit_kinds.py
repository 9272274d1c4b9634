"""The default, configurable list of unit kinds (单位类型)."""

from django.db import migrations

DEFAULT_KINDS = (
    ("party-committee", "党委"),
    ("party-group", "党组"),
    ("party-working-committee", "党工委"),
    ("party-general-branch", "党总支"),
    ("party-branch", "党支部"),
    ("district", "县市区"),
    ("function-zone", "功能区"),
    ("dept", "市直部门"),
    ("street", "乡镇街道"),
    ("community", "村社区"),
    ("enterprise", "企业"),
    ("school", "学校"),
    ("hospital", "医院"),
    ("agency", "机关"),
)


def add_kinds(apps, schema_editor):
    UnitKind = apps.get_model("orgs", "UnitKind")
    taken = set(UnitKind.objects.values_list("name", flat=True))
    for order, (code, name) in enumerate(DEFAULT_KINDS, start=1):
        if name not in taken:
            UnitKind.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


def remove_unused_kinds(apps, schema_editor):
    UnitKind = apps.get_model("orgs", "UnitKind")
    codes = [code for code, _ in DEFAULT_KINDS]
    UnitKind.objects.filter(code__in=codes, units__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_unused_kinds)]
