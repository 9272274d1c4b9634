"""Fictional names of people and places (虚构人名、地名), reproducible from a seed."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN = (
    "建国华明伟芳军平丽强磊洋艳杰涛勇静敏燕霞鹏飞斌波辉刚健峰亮宁欣悦晨阳"
    "婷文博宇浩志远海林秀兰梅玉春秋雪松立新永宏卫东英桂"
)
PLACE = "清河明湖安平永兴福宁泰和丰乐长新云山江桥源华溪泉石松柏枫梅兰竹莲桃杏花塘湾岭峰岗坪川洲浦港池井田园庄嘉"


class NameMaker:
    """Draws names from ``rng``; place names are unique within the set passed in."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def place(self, taken: set[str]) -> str:
        for _ in range(200):
            name = "".join(self.rng.sample(PLACE, 2))
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("地名已用尽")
