"""Provincial departments: canonical names, the other forms bulletins write them in, and finding them.

The table is docs/bulletins.md's. The search side uses ``written_forms`` to expand a department query to
every form, the parser uses ``find_departments`` to fill the department facet.
"""
from __future__ import annotations

import re
from functools import lru_cache

# canonical name -> other written forms seen in the bulletins
DEPARTMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "应急管理厅": ("应急厅", "省应急厅", "省应急管理厅"),
    "省卫生健康委": ("省卫健委", "卫健委", "四川省卫生健康委员会", "省卫生健康委员会"),
    "经济和信息化厅": ("经信厅", "省经信厅", "省经济和信息化厅"),
    "住房城乡建设厅": ("住建厅", "住房和城乡建设厅", "省住建厅", "省住房城乡建设厅", "省住房和城乡建设厅"),
    "文化和旅游厅": ("文旅厅", "省文旅厅", "省文化和旅游厅"),
    "省市场监管局": ("省市场监督管理局", "市场监管局", "四川省市场监督管理局"),
    "省广电局": ("省广播电视局", "四川省广播电视局"),
    "省林草局": ("省林业和草原局", "四川省林业和草原局"),
    "省药监局": ("省药品监督管理局", "四川省药品监督管理局"),
    "人力资源社会保障厅": ("人社厅", "人力资源和社会保障厅", "省人社厅", "省人力资源社会保障厅"),
    "省发展改革委": ("省发改委", "发展改革委", "四川省发展和改革委员会", "省发展和改革委员会"),
    "交通运输厅": ("交通厅", "省交通运输厅", "省交通厅"),
    "四川省税务局": ("省税务局", "国家税务总局四川省税务局"),
    "四川消防救援总队": ("省消防救援总队",),
    "省政府办公厅": ("四川省人民政府办公厅", "省人民政府办公厅"),
    # single short names in docs/bulletins.md, but their full names turn up too
    "退役军人事务厅": ("省退役军人事务厅", "省退役军人厅"),
    "省医保局": ("四川省医疗保障局", "省医疗保障局"),
    "省残联": ("四川省残疾人联合会", "省残疾人联合会"),
}

# Departments written under one name only.
SINGLE_FORM_DEPARTMENTS: tuple[str, ...] = (
    "教育厅", "科技厅", "公安厅", "民政厅", "司法厅", "财政厅", "自然资源厅", "生态环境厅", "水利厅",
    "农业农村厅", "商务厅", "审计厅", "省统计局", "省体育局",
    "省新闻出版局", "省测绘地理信息局", "省大数据中心", "省委金融办",
)

CANONICAL_DEPARTMENTS: tuple[str, ...] = tuple(DEPARTMENT_ALIASES) + SINGLE_FORM_DEPARTMENTS

# What may stand before a department's name when it is not Sichuan's: a national body (国家发展改革委,
# 国务院办公厅), the bodies of every level (全省各级卫健委), a city or county one (成都市卫健委,
# 各市（州）卫健委, 县（市、区）市场监管局), or another province's (云南省应急管理厅,
# 国家税务总局广东省税务局).
_NATIONAL_BEFORE = re.compile(r"(国家|国务院|中央|各级|各地)$")  # 各级卫健委: not one department
_LOCAL_BEFORE = re.compile(r"[市县区州]$")
_OTHER_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "贵州", "云南",
    "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)
_OTHER_PROVINCE_BEFORE = re.compile(rf"(?:{'|'.join(_OTHER_PROVINCES)})(?:省|市|自治区)?$")
# A bracketed aside between the place and the name: 市（州）, 县（市、区）
_TRAILING_ASIDE = re.compile(r"[（(][^（）()]{1,8}[）)]$")


def is_provincial_mention(before: str, form: str) -> bool:
    """Whether a written form of a department names the Sichuan department, judged by the
    whitespace-free text that stands just before it."""
    before = _TRAILING_ASIDE.sub("", before[-12:])
    if _OTHER_PROVINCE_BEFORE.search(before):
        return False
    if form.startswith(("省", "四川", "国家税务总局")):  # 省卫健委: the province is in the name
        return True
    return not (_NATIONAL_BEFORE.search(before) or _LOCAL_BEFORE.search(before))


@lru_cache(maxsize=1)
def _form_to_canonical() -> dict[str, str]:
    table = {name: name for name in CANONICAL_DEPARTMENTS}
    for canonical, forms in DEPARTMENT_ALIASES.items():
        for form in forms:
            table[form] = canonical
    # "省X厅" is the same department as "X厅" for every single-form 厅.
    for name in SINGLE_FORM_DEPARTMENTS:
        if name.endswith("厅"):
            table.setdefault("省" + name, name)
    return table


@lru_cache(maxsize=1)
def _form_pattern() -> re.Pattern:
    forms = sorted(_form_to_canonical(), key=len, reverse=True)  # longest form wins
    return re.compile("|".join(re.escape(f) for f in forms))


def written_forms(canonical: str) -> list[str]:
    """Every written form of a department (the canonical name first)."""
    forms = [f for f, c in _form_to_canonical().items() if c == canonical and f != canonical]
    return [canonical] + sorted(forms, key=len, reverse=True)


def all_written_forms() -> dict[str, str]:
    """Every form any department is written in, mapped to its canonical name."""
    return dict(_form_to_canonical())


def canonical_department(name: str) -> str | None:
    """The canonical name for any written form, or None when it names no provincial department."""
    return _form_to_canonical().get(re.sub(r"\s+", "", name or ""))


def find_departments(text: str) -> list[str]:
    """Canonical names of every provincial department the text names, first named first."""
    compact = re.sub(r"\s+", "", text)
    found: list[str] = []
    for match in _form_pattern().finditer(compact):
        form = match.group(0)
        if not is_provincial_mention(compact[max(0, match.start() - 12):match.start()], form):
            continue
        canonical = _form_to_canonical()[form]
        if canonical not in found:
            found.append(canonical)
    return found
