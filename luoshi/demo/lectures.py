"""The lecture menu (宣讲菜单 / 点单式宣讲) in the demo, after Shandong: the city's office puts 118 lectures in 5
categories on the menu, spoken by 24 members of the register, 15 of whom have a login as 宣讲员 (the first is the
demo account ``demo_speaker``); streets of every district ordered them 84 times, 8 more orders were declined or
cancelled, and the orders stand in every state: waiting for dispatch, dispatched, accepted (upcoming), held and
rated. The held ones had 33,000 listeners (3.3万) in all, and most were rated by the ordering unit.

Everything goes through ``luoshi.lectures.services`` (so through the engine, its timeline and the audit log) and
``luoshi.members.services.link_user``. Call it after the member register::

    lines = build_lectures(demo, tree, cast, people, random.Random(seed + 11), today)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from luoshi.access.roles import Role
from luoshi.core.paths import subtree_q
from luoshi.demo.orgtree import OrgTree
from luoshi.demo.people import Cast, People
from luoshi.lectures import queries, services
from luoshi.lectures.choices import OrderState
from luoshi.lectures.models import LectureItem, LectureOrder
from luoshi.members import services as member_services
from luoshi.members.choices import MemberKind
from luoshi.members.models import Member
from luoshi.orgs.models import Unit
from luoshi.study.choices import HalfDay

ITEMS = 118
SPEAKERS = 24
LOGINS = 15
LISTENERS = 33_000
# The state each order ends in: 84 that stand (Jinan's 84) and 8 declined or cancelled beside them.
STATES: tuple[tuple[str, int], ...] = (
    (OrderState.RATED, 34),
    (OrderState.HELD, 18),
    (OrderState.ACCEPTED, 12),
    (OrderState.DISPATCHED, 10),
    (OrderState.ORDERED, 10),
    (OrderState.DECLINED, 4),
    (OrderState.CANCELLED, 4),
)
GONE = (OrderState.DECLINED, OrderState.CANCELLED)
HALVES = (HalfDay.MORNING, HalfDay.AFTERNOON, HalfDay.EVENING)
# (category, subjects, forms): each category's titles are its subjects in its forms, the first ``count`` of them.
CATEGORIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "党的创新理论",
        (
            "习近平新时代中国特色社会主义思想的世界观和方法论",
            "深刻领悟“两个确立”的决定性意义",
            "以中国式现代化全面推进强国建设",
            "新发展理念的实践要求",
            "全过程人民民主的基层实践",
            "坚持以人民为中心的发展思想",
            "新时代党的建设总要求",
            "总体国家安全观",
            "生态文明思想",
            "党的自我革命的制度规范体系",
            "文化强国建设的使命任务",
            "共同富裕的时代内涵",
        ),
        ("专题宣讲：{}", "{}与基层实践"),
    ),
    (
        "党纪学习",
        (
            "《中国共产党纪律处分条例》",
            "政治纪律和政治规矩",
            "组织纪律与请示报告制度",
            "廉洁纪律与亲清政商关系",
            "群众纪律与为民办实事",
            "工作纪律与担当作为",
            "生活纪律与家风建设",
            "中央八项规定精神",
            "违纪典型案例",
            "“四种形态”的运用",
            "基层“微腐败”",
            "形式主义官僚主义新表现",
        ),
        ("{}解读", "以案说纪：{}"),
    ),
    (
        "经济发展",
        (
            "新质生产力",
            "制造业转型升级",
            "数字经济与实体经济融合",
            "县域经济高质量发展",
            "民营经济发展壮大",
            "优化营商环境",
            "乡村产业振兴",
            "扩大内需与消费升级",
            "科技创新与成果转化",
            "开放型经济新体制",
            "绿色低碳转型",
            "海洋经济发展",
        ),
        ("{}面面观", "聚焦{}"),
    ),
    (
        "基层治理",
        (
            "党建引领基层治理",
            "新时代“枫桥经验”",
            "网格化管理与精细化服务",
            "小区物业与业委会协同",
            "村规民约与移风易俗",
            "矛盾纠纷多元化解",
            "为基层减负",
            "社区志愿服务",
            "平安建设与应急管理",
            "数字乡村与智慧社区",
            "“三治融合”",
            "基层干部队伍建设",
        ),
        ("{}的做法与经验", "谈谈{}"),
    ),
    (
        "民生政策",
        (
            "就业创业扶持政策",
            "城乡居民医保",
            "养老服务与长期护理",
            "义务教育“双减”",
            "住房保障与老旧小区改造",
            "低保与临时救助",
            "退役军人优待",
            "残疾人两项补贴",
            "农业补贴与惠农政策",
            "食品药品安全",
            "消费者权益保护",
            "12345热线与诉求办理",
        ),
        ("{}政策解读", "{}问答"),
    ),
)
COUNTS = (24, 24, 24, 23, 23)
AUDIENCES = ("社区党员", "村“两委”干部", "机关党员干部", "网格员", "企业职工", "退休党员", "青年志愿者", "居民群众")
PLACES = ("党群服务中心", "新时代文明实践站", "村委会会议室", "社区活动室", "企业职工之家", "文化礼堂")
COMMENTS = (
    "内容贴近实际，群众听得懂、记得住。",
    "案例鲜活，互动充分。",
    "讲解透彻，建议多安排几场。",
    "时间稍长，总体效果好。",
    "结合本地实际，很有针对性。",
    "",
)
DECLINE_REASONS = ("当天另有宣讲任务。", "外出学习，无法按期宣讲。", "身体原因，请另行安排。")


def _titles() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for (name, subjects, forms), count in zip(CATEGORIES, COUNTS, strict=True):
        titles = [form.format(subject) for form in forms for subject in subjects]
        found += [(name, title) for title in titles[:count]]
    return found


def _speakers(tree: OrgTree, people: People) -> tuple[list[Member], int]:
    """24 members of the register without a login (cadres first), the first 15 given one as 宣讲员 of the city."""
    free = Member.objects.filter(subtree_q(tree.city.path), active=True, user__isnull=True)
    chosen = list(free.filter(kind=MemberKind.CADRE).order_by("id")[:SPEAKERS])
    chosen += list(free.exclude(pk__in=[m.pk for m in chosen]).order_by("id")[: SPEAKERS - len(chosen)])
    for n in range(len(chosen), SPEAKERS):
        name = people.names.person()
        chosen.append(member_services.create_member(None, unit=tree.city, number=f"XJ{n + 1:05d}", name=name))
    for n, member in enumerate(chosen[:LOGINS]):
        username = "demo_speaker" if n == 0 else f"speaker_{n + 1:02d}"
        user = people.user(username, "市委宣讲团宣讲员", Role.SPEAKER, tree.city, name=member.name)
        member_services.link_user(None, member, user)
    return chosen, min(LOGINS, len(chosen))


def _menu(demo: Any, cast: Cast, speakers: list[Member], rng: random.Random) -> list[LectureItem]:
    campaign, office = demo.campaign, cast.office
    categories = {
        name: services.create_category(office, campaign=campaign, name=name, order=i)
        for i, (name, _subjects, _forms) in enumerate(CATEGORIES, 1)
    }
    items = []
    for n, (name, title) in enumerate(_titles()):
        items.append(
            services.create_item(
                office,
                campaign=campaign,
                category=categories[name],
                title=title,
                speaker=speakers[n % len(speakers)],
                minutes=rng.choice((45, 60, 60, 90, 120)),
                summary=f"围绕“{title}”，结合本地实际和典型案例开展宣讲，现场答疑互动。",
            )
        )
    return items


class _Calendar:
    """Half-days not yet booked per speaker, so that no dispatch of the demo is refused."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple[int, dt.date, str]] = set()

    def pick(self, speaker_id: int, first: dt.date, last: dt.date) -> tuple[dt.date, str]:
        span = max((last - first).days, 0)
        while True:
            day = first + dt.timedelta(days=self.rng.randint(0, span))
            half = self.rng.choice(HALVES)
            if (speaker_id, day, half) not in self.used:
                self.used.add((speaker_id, day, half))
                return day, half


def _listeners(count: int, rng: random.Random) -> list[int]:
    """``count`` audiences between about 150 and 1,200 that add up to ``LISTENERS``."""
    weights = [rng.uniform(0.25, 2.0) for _ in range(count)]
    scale = LISTENERS / sum(weights)
    found = [max(30, round(w * scale)) for w in weights]
    found[-1] += LISTENERS - sum(found)
    return found


def _plan(rng: random.Random) -> list[str]:
    states = [state for state, count in STATES for _ in range(count)]
    rng.shuffle(states)
    return states


def _order(item: LectureItem, street: Unit, liaison: Any, when: Any, rng: random.Random) -> LectureOrder:
    return services.order_lecture(
        liaison,
        item=item,
        unit=street,
        wished_date=when[0],
        wished_half=when[1],
        audience=rng.choice(AUDIENCES),
        place=f"{street.name}{rng.choice(PLACES)}",
    )


def _move(cast: Cast, order: LectureOrder, state: str, liaison: Any, listeners: int, rng: random.Random) -> None:
    """Take the order from ordered to ``state`` the way people would."""
    office = cast.office
    if state == OrderState.ORDERED:
        return
    if state == OrderState.CANCELLED:
        services.cancel_order(liaison, order, reason="单位活动调整，改期再点。")
        return
    order = services.dispatch_order(office, order)
    speaker: Any = order.speaker.user
    if state == OrderState.DISPATCHED:
        return
    if state == OrderState.DECLINED:
        services.decline_order(speaker, order, reason=rng.choice(DECLINE_REASONS))
        return
    order = services.accept_order(speaker, order)
    if state == OrderState.ACCEPTED:
        return
    if rng.random() < 0.2:
        order = services.record_held(office, order, listeners=listeners, note="宣讲人委托办公室登记。")
    else:
        order = services.hold_order(speaker, order, listeners=listeners, note="现场气氛热烈，答疑互动充分。")
    if state == OrderState.RATED:
        services.rate_order(liaison, order, rating=rng.choice((5, 5, 5, 4, 4, 3)), comment=rng.choice(COMMENTS))


def _orders(
    demo: Any, tree: OrgTree, cast: Cast, items: list[LectureItem], rng: random.Random, today: dt.date
) -> list[LectureOrder]:
    campaign = demo.campaign
    streets = [
        (district, [c.saved() for c in node.children if c.kind == "street"])
        for district, node in zip(cast.districts, tree.districts, strict=False)
    ]
    streets = [(district, found) for district, found in streets if found]
    spoken = [i for i in items if i.speaker.user_id]  # lectures past dispatch need the speaker's login
    calendar = _Calendar(rng)
    past = (campaign.starts_on + dt.timedelta(days=10), today - dt.timedelta(days=1))
    ahead = (today + dt.timedelta(days=1), min(today + dt.timedelta(days=30), campaign.ends_on))
    plan = _plan(rng)
    audiences = iter(_listeners(sum(1 for s in plan if s in (OrderState.HELD, OrderState.RATED)), rng))
    made = []
    demo_speaker = [i for i in spoken if i.speaker_id == spoken[0].speaker_id]  # its login finds work in its inbox
    for n, state in enumerate(plan):
        district, units = streets[n % len(streets)]
        held = state in (OrderState.HELD, OrderState.RATED)
        needs_login = state not in (OrderState.ORDERED, OrderState.CANCELLED)
        pool = (demo_speaker if n < 6 else spoken) if needs_login else items
        item = rng.choice(pool)
        when = calendar.pick(item.speaker_id, *(past if held else ahead))
        order = _order(item, rng.choice(units), district.liaison, when, rng)
        _move(cast, order, state, district.liaison, next(audiences) if held else 0, rng)
        made.append(order)
    return made


def build_lectures(
    demo: Any, tree: OrgTree, cast: Cast, people: People, rng: random.Random, today: dt.date
) -> list[str]:
    """Write the menu and the orders; the summary lines give the figures a report would quote."""
    speakers, logins = _speakers(tree, people)
    items = _menu(demo, cast, speakers, rng)
    _orders(demo, tree, cast, items, rng, today)
    totals = queries.totals(demo.campaign)
    states = Counter(LectureOrder.objects.filter(campaign=demo.campaign).values_list("state", flat=True))
    labels = dict(OrderState.choices)
    by_state = "、".join(f"{labels[s]} {states[s]}" for s, _n in STATES)
    return [
        f"宣讲菜单 {len(CATEGORIES)} 类 {totals.items} 项，宣讲员 {len(speakers)} 人（{logins} 人有登录账号，"
        f"演示账号 demo_speaker）",
        f"宣讲点单 {sum(n for s, n in states.items() if s not in GONE)} 单（{by_state}），已宣讲 {totals.held} 场，"
        f"听众 {totals.listeners:,} 人（{totals.listeners / 10000:.1f}万）",
    ]
