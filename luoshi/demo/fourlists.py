"""The demo's four lists (四张清单): study items of the city and its districts, and innovation measures marked."""

from __future__ import annotations

import datetime as dt

from luoshi.demo.campaign import DemoCampaign
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast
from luoshi.fourlists import services
from luoshi.fourlists.choices import ItemStatus, ListKind
from luoshi.fourlists.models import ListItem
from luoshi.problems.models import Measure
from luoshi.tasks.models import Task

STUDY = (
    ("理论学习中心组专题学习：深入学习贯彻中央八项规定精神", 30),
    ("县处级以上领导干部读书班（10 个半天）", 45),
    ("“以案为鉴、以案促改”警示教育", 60),
    ("专题党课：作风建设永远在路上", 75),
)
INNOVATION = (("建立基层报表“一本账”准入制度", 90), ("推行“四下基层”走访台账线上报备", 120))
DISTRICTS = 4


def _status(due: dt.date, today: dt.date) -> str:
    if due < today:
        return ItemStatus.DONE
    return ItemStatus.ONGOING if (due - today).days < 40 else ItemStatus.PLANNED


def build_four_lists(demo: DemoCampaign, tree: OrgTree, cast: Cast, today: dt.date) -> list[str]:
    """Study items for the city and the first districts, two innovation items each, and some of the city's key
    tasks and measures marked 创新举措; returns the summary's line."""
    campaign = demo.campaign
    units = [tree.city, *(node.saved() for node in tree.districts[:DISTRICTS])]
    start = campaign.starts_on
    for unit in units:
        owner = f"{unit.name}主要负责同志"
        for kind, rows in ((ListKind.STUDY, STUDY), (ListKind.INNOVATION, INNOVATION)):
            for title, days in rows:
                due = start + dt.timedelta(days=days)
                services.add_item(
                    cast.office,
                    campaign=campaign,
                    unit=unit,
                    kind=kind,
                    title=title,
                    owner=owner,
                    due_date=due,
                    status=_status(due, today),
                )
    for task in Task.objects.filter(campaign=campaign, parent__isnull=True).order_by("id")[:3]:
        services.mark_task(cast.office, task, True)
    measures = Measure.objects.filter(problem__campaign=campaign, owner__in=cast.committee).select_related("owner")
    for measure in measures.order_by("id")[:5]:
        services.mark_measure(measure.owner, measure, True)
    items = ListItem.objects.filter(campaign=campaign).count()
    marked = Task.objects.filter(campaign=campaign, is_innovation=True).count()
    marked_measures = Measure.objects.filter(problem__campaign=campaign, is_innovation=True).count()
    return [f"  四张清单：手工事项 {items} 项；创新举措：重点任务 {marked} 项、整改措施 {marked_measures} 条"]
