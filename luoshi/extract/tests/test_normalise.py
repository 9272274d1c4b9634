"""Normalisation rules of spec section 1."""

from __future__ import annotations

import pytest

from luoshi.extract.api import normalise
from luoshi.extract.normalising import remove_glosses


def test_traditional_becomes_simplified_phrase_by_phrase() -> None:
    assert normalise("領導幹部頭髮乾淨") == "领导干部头发干净"
    assert normalise("乾隆年間") == "乾隆年间"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("領(lǐng)導(dǎo)小組", "领导小组"),
        ("黨(dang) 中央", "党中央"),
        ("學習(xi) 貫徹", "学习贯彻"),
        ("10萬(wan) 餘(yu) 場次", "10万余场次"),
        ("召開推進會(hui) ,進一步", "召开推进会,进一步"),
        ("團結(jié)凝聚", "团结凝聚"),
        ("女(nǚ)性", "女性"),
        ("黨（dǎng）員", "党员"),
    ],
)
def test_pinyin_glosses_of_both_kinds_go(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "kept",
    ["政务(APP)应用", "政务（APP）", "颗粒物(PM2.5)浓度", "总值(GDP)增长", "高原(北京)文化", "附件(2)", "方案(abc)"],
)
def test_parentheses_that_are_no_gloss_stay(kept: str) -> None:
    assert remove_glosses(kept) == kept


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("全市1.59 萬個基層黨組織", "全市1.59万个基层党组织"),
        ("2020 年11 月13 日", "2020年11月13日"),
        ("同比减少14.7 %", "同比减少14.7%"),
        ("共有 12 个", "共有12个"),
        ("全角数字１２３个，增长５％", "全角数字123个，增长5%"),
        ("满意率１２．５％", "满意率12.5%"),
        ("“党建引领 齐鲁前行”", "“党建引领 齐鲁前行”"),
    ],
)
def test_no_space_inside_figures(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_web_furniture_lines_go_and_body_stays_in_order() -> None:
    raw = "\n".join(
        [
            "人民网",
            "人民网>>四川频道",
            "首页 > 新闻 > 正文",
            "成都有力有序推进主题教育工作",
            "2023年05月23日07:43 | 来源:四川日报",
            "小字号",
            "【字号 大 中 小】",
            "　　第一段正文,指导96家单位。",
            "",
            "第二段正文。",
            "(责编:袁菡苓、罗昱)",
            "分享让更多人看到",
            "返回顶部",
            "版权声明:凡注明“来源:某某网”的所有作品,版权归某某公司所有。任何媒体转载、摘编、引用,须注明来源。",
            "Copyright © 1997-2023 by www.example.cn. all rights reserved",
            "京ICP证000000号",
        ]
    )
    assert normalise(raw).split("\n") == [
        "成都有力有序推进主题教育工作",
        "2023年05月23日07:43 | 来源:四川日报",
        "第一段正文,指导96家单位。",
        "第二段正文。",
    ]


def test_page_controls_counters_and_link_lists_go() -> None:
    raw = "\n".join(
        [
            "首页 > 信息公开 > 整改公开",
            "发布时间：2023-01-29 10:26:15 来源：区委巡察办 浏览次数：1,862次",
            "2021-01-08 14:32:07 来源：新京报 阅读量 2.3万",
            "【字体：大 中 小】 【打印本页】 【关闭窗口】",
            "阅读 1024",
            "正文完成整改688个。",
            "已有0人评论",
            "相关新闻",
            "北京12345热线上半年受理诉求超600万件",
            "接诉即办满两年：群众满意率提升至89.2%",
            "设为首页 | 收藏本站",
        ]
    )
    assert normalise(raw).split("\n") == [
        "发布时间：2023-01-29 10:26:15来源：区委巡察办",
        "2021-01-08 14:32:07来源：新京报",
        "正文完成整改688个。",
    ]


def test_a_link_list_ends_at_the_first_sentence() -> None:
    assert normalise("推荐阅读\n某地召开推进会\n全市完成整改12项。\n短标题") == "全市完成整改12项。\n短标题"


def test_a_table_row_keeps_the_space_after_its_row_number() -> None:
    assert normalise("2 部门预算执行 18 16 8920.51\n共有 12 个") == "2 部门预算执行 18 16 8920.51\n共有12个"


def test_line_endings_and_invisible_characters() -> None:
    assert normalise("\ufeff第一行\r\n第\u200b二行\r第三行") == "第一行\n第二行\n第三行"


def test_a_sample_sentence_end_to_end() -> None:
    raw = "廣泛開展理論宣講,省市縣下基層宣講10萬(wan) 餘(yu) 場次。濟南市製定5大類118項宣講“菜單”"
    assert normalise(raw) == "广泛开展理论宣讲,省市县下基层宣讲10万余场次。济南市制定5大类118项宣讲“菜单”"
