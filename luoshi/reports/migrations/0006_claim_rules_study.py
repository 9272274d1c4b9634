"""Claims-check measures and default rules for study (读书班、轮训班、半天、学习场次、参学人次和人数), the lecture
menu (宣讲菜单、点单、听众), open study groups (学习小组) and suggestions (意见建议、采纳)."""

from django.db import migrations, models

COUNTS = "个、项、件、条"
COVERED = "覆盖|参学|参训|参加学习|受训|培训"
DEFAULT_RULES = (
    ("意见建议|建言献策|金点子", "条、件", "suggestions", 40, "意见建议：本活动中本单位及下级单位收集的意见建议数"),
    ("采纳", "条、件、项", "suggestions_adopted", 41, "采纳意见建议：认定为全部采纳或部分采纳的意见建议数"),
    ("半天", "个", "reading_half_days", 42, "读书班半天数：本单位及下级单位举办的读书班中半天数最少的一期"),
    ("轮训", "期、个、班、批", "rotation_classes", 43, "轮训班：本单位及下级单位举办的轮训班期数"),
    ("读书班|学习班|专题班", "期、个、班", "study_classes", 44, "读书班：本单位及下级单位举办的读书班、专题学习班次数"),
    (
        "集中学习|专题学习|学习研讨|研讨交流",
        "次、场、场次",
        "study_sessions",
        45,
        "学习场次：本单位及下级单位组织的学习场次数（每场半天）",
    ),
    (COVERED, "人次", "attendances", 46, "参学人次：本单位及下级单位党员干部出席、迟到的考勤记录数"),
    (COVERED, "人、名", "people_covered", 47, "参学人数：本单位及下级单位至少参加一次学习的党员干部人数（不重复）"),
    ("大类|类别", "大类、类", "lecture_categories", 48, "宣讲菜单类别：本单位及下级单位活动的宣讲菜单类别数"),
    (
        r"宣讲.?菜单|菜单|宣讲(课程|专题|题目)",
        "项、个、门",
        "lecture_items",
        49,
        "宣讲菜单：本单位及下级单位活动的宣讲菜单项数",
    ),
    (
        "点单|送学|送讲|送教",
        "场次、次、场、单",
        "lecture_orders",
        50,
        "宣讲点单：本单位及下级单位点单的宣讲场次（不含退回、取消）",
    ),
    (
        "(党员干部|党员|干部|群众)?受教育|听众|受众|听讲",
        "名、人、人次",
        "lecture_listeners",
        51,
        "宣讲听众：已宣讲的点单登记的听众人数合计",
    ),
    (
        r"[“\"]?开放式(党|学习)?小组|学习小组|党小组|学习组",
        COUNTS,
        "study_groups",
        52,
        "学习小组：本单位及下级单位依托设立的开放式学习小组数",
    ),
)


def add_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    for pattern, units, measure, order, note in DEFAULT_RULES:
        ClaimRule.objects.get_or_create(
            campaign=None,
            pattern=pattern,
            measure=measure,
            defaults={"units": units, "order": order, "note": note},
        )


def remove_defaults(apps, schema_editor):
    ClaimRule = apps.get_model("reports", "ClaimRule")
    for pattern, _units, measure, _order, _note in DEFAULT_RULES:
        ClaimRule.objects.filter(campaign=None, pattern=pattern, measure=measure).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_claim_rules_supervision_research"),
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
                    ("study_classes", "读书班、专题学习班次数"),
                    ("rotation_classes", "轮训班次数"),
                    ("reading_half_days", "读书班最少半天数"),
                    ("study_sessions", "学习场次数"),
                    ("attendances", "参学人次"),
                    ("people_covered", "参学人数（不重复）"),
                    ("lecture_categories", "宣讲菜单类别数"),
                    ("lecture_items", "宣讲菜单项数"),
                    ("lecture_orders", "宣讲点单场次"),
                    ("lecture_listeners", "宣讲听众人数"),
                    ("study_groups", "开放式学习小组数"),
                    ("suggestions", "收集意见建议数"),
                    ("suggestions_adopted", "采纳意见建议数"),
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
