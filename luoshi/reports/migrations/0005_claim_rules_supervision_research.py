"""Claims-check measures and default rules for supervision (督导组、督导单位、督导发现), the visit calendar (走访)
and research (调研课题、调研方案、反面案例); the supervision groups' rule no longer says the platform keeps none."""

from django.db import migrations, models

COUNTS = "个、项、件、条、起"
GAP = r"[^\d，,。；;]"  # within one clause and never across another figure
PLACES = "(单位|地区|部门|乡镇|镇街|街道|村|社区|企业|学校)"
GROUPS_PATTERN = r"督导组|指导组|巡回督导"
GROUPS_NOTE = "督导组：本单位及下级单位在本活动中派出的督导组数"
OLD_GROUPS_NOTE = "督导组：平台尚未记录，核对结果为“无法核实”"
DEFAULT_RULES = (
    (
        f"督导{GAP}{{0,4}}{PLACES}|{PLACES}{GAP}{{0,6}}(开展|进行|实施)?(督导|督查|巡回指导)",
        "家、个",
        "supervised_units",
        29,
        "督导单位：本单位及下级单位派出的督导组被分配督导的单位数（不重复）",
    ),
    (
        "走访|(实地|现场|下沉|开展)(调研|督导|督查|检查|查看)",
        "次",
        "visits",
        31,
        "走访：在走访报备日历上报备、走访本单位及下级单位的次数（不含已取消的）",
    ),
    (
        "反面(典型)?案例|反面典型|警示案例",
        COUNTS,
        "counter_examples",
        32,
        "反面案例：本单位及下级单位在本活动中标为反面案例的调研课题数",
    ),
    (
        "调研(方案|计划)|调查研究方案",
        "个、项、份、件",
        "research_plans",
        33,
        "调研方案：本单位及下级单位牵头的调研方案数（含草拟中的）",
    ),
    (
        "课题",
        COUNTS,
        "research_topics",
        34,
        "调研课题：本单位及下级单位在本活动中的调研课题数",
    ),
    (
        rf"(督导|督查|巡回指导)[^\d。；;]{{0,8}}(发现|反馈|指出|查找|查出|交办)(出|到)?{GAP}{{0,4}}问题",
        COUNTS,
        "findings",
        35,
        "督导发现问题：本单位及下级单位被督导发现并已确认（含已转为问题）的问题和风险隐患数",
    ),
)


def add_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    ClaimRule.objects.filter(campaign=None, pattern=GROUPS_PATTERN, note=OLD_GROUPS_NOTE).update(note=GROUPS_NOTE)
    for pattern, units, measure, order, note in DEFAULT_RULES:
        ClaimRule.objects.get_or_create(
            campaign=None, pattern=pattern, defaults={"units": units, "measure": measure, "order": order, "note": note}
        )


def remove_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    ClaimRule.objects.filter(campaign=None, pattern__in=[rule[0] for rule in DEFAULT_RULES]).delete()
    ClaimRule.objects.filter(campaign=None, pattern=GROUPS_PATTERN, note=GROUPS_NOTE).update(note=OLD_GROUPS_NOTE)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_claim_measures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="claimrule",
            name="measure",
            field=models.CharField(
                choices=[
                    ("problems_closed", "已销号问题数"),
                    ("problems_total", "问题总数"),
                    ("measures", "整改措施数"),
                    ("supervision_groups", "督导组数"),
                    ("supervised_units", "督导单位数"),
                    ("visits", "走访次数"),
                    ("findings", "督导发现问题数"),
                    ("research_topics", "调研课题数"),
                    ("research_plans", "调研方案数"),
                    ("counter_examples", "反面案例数"),
                    ("key_tasks_total", "重点任务数"),
                    ("key_tasks_done", "已完成重点任务数"),
                    ("key_tasks_progress", "重点任务总体进度（%）"),
                    ("projects_total", "民生实事项目数"),
                    ("projects_done", "已完成民生实事项目数"),
                    ("project_tasks_total", "民生实事子项数"),
                    ("project_tasks_done", "已完成民生实事子项数"),
                    ("projects_progress", "民生实事总体进度（%）"),
                    ("ignore", "不核实"),
                ],
                max_length=30,
                verbose_name="核对指标",
            ),
        ),
        migrations.RunPython(add_defaults, remove_defaults),
    ]
