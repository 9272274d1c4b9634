"""Default claims-check rules for key tasks (重点任务) and livelihood projects (民生实事)."""

from django.db import migrations

COUNTS = "个、项、件、条、起"
DONE = "(已完成|完成|办结|建成|落实)"
GAP = r"[^\d，,。；;]"  # within one clause and never across another figure
DEFAULT_RULES = (
    (f"子项{GAP}{{0,4}}{DONE}|{DONE}{GAP}{{0,4}}子项", COUNTS, "project_tasks_done", 9, "已完成的民生实事子项"),
    (f"民生实事{GAP}{{0,6}}{DONE}|{DONE}{GAP}{{0,6}}民生实事", COUNTS, "projects_done", 11, "已完成的民生实事项目"),
    (
        f"重点(任务|举措){GAP}{{0,8}}{DONE}|{DONE}{GAP}{{0,6}}重点(任务|举措)",
        COUNTS,
        "key_tasks_done",
        12,
        "已完成的重点任务",
    ),
    (f"民生实事{GAP}{{0,12}}(进度|完成率)", "%", "projects_progress", 13, "民生实事总体进度：项目进度的平均数"),
    (f"重点(任务|举措){GAP}{{0,12}}(进度|完成率)", "%", "key_tasks_progress", 14, "重点任务总体进度：按权重加权"),
    ("子项", COUNTS, "project_tasks_total", 19, "民生实事子项数"),
    ("民生实事", COUNTS, "projects_total", 25, "民生实事项目数（不含已终止的）"),
    ("重点(任务|举措)", COUNTS, "key_tasks_total", 26, "本单位牵头或承办的一级重点任务数"),
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
    dependencies = [("reports", "0002_default_rules")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
