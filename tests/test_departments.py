"""Which provincial departments a text names (the department facet), as docs/bulletins.md lists them, traps included."""
from __future__ import annotations

import pytest

from indexer.parsing.departments import find_departments


@pytest.mark.parametrize("text", [
    "国家发展改革委", "国务院办公厅", "住房和城乡建设部", "国家矿山安全监察局", "广电总局",
    "成都市卫健委", "各市（州）卫健委", "县（市、区）市场监管局", "凉山州市场监管局",
    "云南省应急管理厅", "贵州省交通运输厅", "国家税务总局广东省税务局", "重庆市卫健委", "厅窗口",
    "全省各级卫健委", "各地市场监管局",
])
def test_national_city_and_other_provinces_bodies_are_not_sichuan_departments(text):
    assert find_departments(text) == []


@pytest.mark.parametrize("text,expected", [
    ("我省应急管理厅", ["应急管理厅"]),
    ("全省卫健委系统", ["省卫生健康委"]),
    ("四川省卫生健康委员会", ["省卫生健康委"]),
    ("国家税务总局四川省税务局", ["四川省税务局"]),
    ("省卫健委、成都市卫健委和云南省卫生健康委员会", ["省卫生健康委"]),
    ("省发改委（省能源局）会同住建厅", ["省发展改革委", "住房城乡建设厅"]),
    ("各市（州）卫健委，省卫健委", ["省卫生健康委"]),
    ("四川省医疗保障局、四川省残疾人联合会、省退役军人厅", ["省医保局", "省残联", "退役军人事务厅"]),
    ("四川省教育厅与省统计局", ["教育厅", "省统计局"]),
])
def test_the_provinces_own_departments_in_any_form_first_named_first(text, expected):
    assert find_departments(text) == expected
