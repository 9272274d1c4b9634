"""The platform's default claims-check rules (平台默认核对规则); campaign offices add their own on top."""

from django.db import migrations

COUNTS = "个、项、件、条、起"
DEFAULT_RULES = (
    (
        r"问题.{0,20}(销号|整改到位|整改完成|完成整改|办结)|(销号|整改到位|整改完成|完成整改|办结).{0,6}问题|已销号",
        COUNTS,
        "problems_closed",
        10,
        "已销号的问题：本单位及下级单位在本活动中状态为“已销号”的问题数",
    ),
    (r"整改措施|整改举措", COUNTS, "measures", 20, "整改措施：本单位及下级单位的问题所定的整改措施数"),
    (r"督导组|指导组|巡回督导", "个、组", "supervision_groups", 30, "督导组：平台尚未记录，核对结果为“无法核实”"),
    (
        r"(检视|查摆|排查|梳理|查找|查出|发现|列出|征集|收集)(出|到)?.{0,8}问题|问题清单(确定|梳理|列出|明确)",
        COUNTS,
        "problems_total",
        40,
        "问题总数：本单位及下级单位在本活动中的全部问题数",
    ),
)


def add_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    for pattern, units, measure, order, note in DEFAULT_RULES:
        ClaimRule.objects.get_or_create(
            campaign=None, pattern=pattern, defaults={"units": units, "measure": measure, "order": order, "note": note}
        )


def remove_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    ClaimRule.objects.filter(campaign=None, pattern__in=[rule[0] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
