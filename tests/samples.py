"""Small bulletins of our own, for the search tests that must not wait for the parser or the
corpus: each is written to a tmp folder as JSON in a ``.txt``/``.pdf`` file and read back by
``parse_sample`` (given to ``index_paths(parse=...)``). Helpers only; no tests here."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from indexer.parsing.model import Bulletin, Issue, Paragraph, RefusedInput, Section


def _section(issue_id, n, heading, type_, departments, *texts, page=1):
    return Section(
        id=f"{issue_id}-s{n}", heading=list(heading), type=type_, departments=list(departments),
        paragraphs=[Paragraph(id=f"{issue_id}-s{n}-p{i + 1}", text=t, page=page + i)
                    for i, t in enumerate(texts)])


def sample_bulletins() -> list[Bulletin]:
    w40 = Issue(id="2022-w40", kind="周报", year=2022, number=40, total_number=415,
                published=date(2022, 12, 9), period=(date(2022, 11, 21), date(2022, 11, 25)),
                title="窗口工作周报 2022年第40期", source_path="", sha256="")
    w12 = Issue(id="2023-w12", kind="周报", year=2023, number=12, total_number=None,
                published=date(2023, 3, 24), period=(date(2023, 3, 20), date(2023, 3, 24)),
                title="窗口工作周报 2023年第12期", source_path="", sha256="")
    m11 = Issue(id="2025-m11", kind="月报", year=2025, number=11, total_number=None,
                published=date(2025, 12, 12), period=(date(2025, 11, 1), date(2025, 11, 30)),
                title="政务窗口月报 2025年第11期", source_path="", sha256="")
    return [
        Bulletin(w40, [
            _section("2022-w40", 1, ["省级政务服务事项受理办理情况"], "办件统计", [],
                     "截至本周，省本级行政许可事项受理七万件，办结率保持高位。"),
            _section("2022-w40", 2, ["窗口工作动态", "优化营商环境工作开展情况"], "营商环境", ["应急管理厅"],
                     "应急厅窗口组织工作人员到企业走访。",
                     "为三家钻探单位提供行政许可申报前上门辅导服务，讲解安全生产许可办理要点。", page=2),
            _section("2022-w40", 3, ["窗口工作动态", "优化营商环境工作开展情况"], "营商环境", ["水利厅"],
                     "水利厅推行上门服务，为灌区工程项目现场答疑，办件满意率100%。"),
            _section("2022-w40", 4, ["窗口工作动态", "窗口资讯"], "窗口动态", ["住房城乡建设厅"],
                     "住房城乡建设厅窗口办理省外建设工程企业入川登记，房地产开发企业资质证书当日发放。"),
        ]),
        Bulletin(w12, [
            _section("2023-w12", 1, ["大厅巡查情况"], "大厅巡查", [],
                     "（一）按时到岗情况。总体情况良好。", "（二）综合窗口秩序。一网通办专区运行平稳。"),
            _section("2023-w12", 2, ["厅（局）长进大厅"], "厅长进大厅", ["应急管理厅", "交通运输厅"],
                     "省应急管理厅负责同志到大厅窗口体验上门服务流程，交通厅同步开展帮办代办。"),
            _section("2023-w12", 3, ["窗口工作动态"], "窗口动态", ["省卫生健康委"],
                     "卫健委窗口推出“一件事一次办”套餐，Ａｐｐ端可查询办理进度，第５期培训完成。"),
        ]),
        Bulletin(m11, [
            _section("2025-m11", 1, ["2025年11月总体运行情况"], "办件统计", [],
                     "11月，省本级办理政务服务事项5.4万件，综合窗口受理0.21万件。"),
            _section("2025-m11", 2, ["重点工作推进情况", "数字政府建设"], "重点工作", ["省发展改革委", "应急管理厅"],
                     "配合省发展改革委审查项目初设，在应急、林草等部门开展试点，住建厅参与测试。"),
        ]),
    ]


def bulletin_to_json(b: Bulletin) -> str:
    return json.dumps(b.to_dict(), ensure_ascii=False)


def parse_sample(path) -> Bulletin:
    """Reads a sample written by ``write_samples``; anything else is refused, like the parser."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        d = json.loads(text)
    except ValueError:
        raise RefusedInput(str(path), "not a bulletin") from None
    i = d["issue"]
    issue = Issue(id=i["id"], kind=i["kind"], year=i["year"], number=i["number"],
                  total_number=i["total_number"], published=date.fromisoformat(i["published"]),
                  period=(date.fromisoformat(i["period"][0]), date.fromisoformat(i["period"][1])),
                  title=i["title"], source_path=str(path), sha256="")
    sections = [Section(id=s["id"], heading=s["heading"], type=s["type"], departments=s["departments"],
                        paragraphs=[Paragraph(**p) for p in s["paragraphs"]]) for s in d["sections"]]
    return Bulletin(issue, sections, d.get("warnings", []))


def write_samples(folder: Path, suffix: str = ".pdf", bulletins=None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b in bulletins or sample_bulletins():
        path = folder / f"{b.issue.id}{suffix}"
        path.write_text(bulletin_to_json(b), encoding="utf-8")
        paths.append(path)
    return paths
