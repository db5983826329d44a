"""Relevance: a judged query set over the demo archive and the public bulletins, scored by nDCG@10
and recall, beside what Ctrl+F on the typed query finds.

    python -m benchmarks.relevance [--issues 60] [--json out.json]
    python -m benchmarks.relevance --compare before.json after.json   # the markdown table

Each judged query says what a person typing it wants (``why``) as rules over the parsed sections:
grade 2 for what they came for, grade 1 for what is still useful. The rules read only the parse
(text, heading, type, departments, issue), never the engine, so the same judgments score any
version of the search: run this file with PYTHONPATH pointing at another checkout to score it.

Recall is over every result (not only the first page); "Ctrl+F" is the recall of a person who
searches the typed words literally in each bulletin (folded for width and case, nothing else).
Typo queries also check the "did you mean" offered; nothing-searchable queries check that nothing
is listed.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"

Section = dict  # {"id", "issue", "heading", "type", "departments", "text"}
Rule = Callable[[Section], bool]


def norm(text: str) -> str:
    """Width and case folded, whitespace removed: what a PDF viewer's Ctrl+F forgives at best."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


# --- rules ----------------------------------------------------------------------------------------

def text(*words: str) -> Rule:
    """Every word stands in the section (heading or text)."""
    return lambda s: all(norm(w) in s["haystack"] for w in words)


def dept(canonical: str, *forms: str) -> Rule:
    """The section names the department: the parser tagged it, or a form of its name stands in it."""
    return lambda s: canonical in s["departments"] or any(norm(f) in s["haystack"] for f in forms)


def first_dept(canonical: str) -> Rule:
    """The department acts in the section: named first."""
    return lambda s: bool(s["departments"]) and s["departments"][0] == canonical


def column(section_type: str) -> Rule:
    return lambda s: s["type"] == section_type


def issue(*issue_ids: str) -> Rule:
    return lambda s: s["issue"] in issue_ids


def number(n: int) -> Rule:
    return lambda s: s["issue"].split("-")[1][1:] == str(n)


def all_of(*rules: Rule) -> Rule:
    return lambda s: all(r(s) for r in rules)


def any_of(*rules: Rule) -> Rule:
    return lambda s: any(r(s) for r in rules)


NOTHING: Rule = lambda s: False  # noqa: E731


@dataclass
class Judged:
    query: str
    group: str
    why: str
    high: Rule
    low: Rule = NOTHING
    did_you_mean: Optional[str] = None  # the correction a typo should be offered


J = Judged
EMERGENCY = ("应急管理厅", "应急厅", "省应急厅")
TRANSPORT = ("交通运输厅", "交通厅")
FOREST = ("省林草局", "省林业和草原局", "林草局")
HR = ("人力资源社会保障厅", "人社厅", "人力资源和社会保障厅")
HEALTH = ("省卫生健康委", "卫健委", "省卫健委")
HOUSING = ("住房城乡建设厅", "住建厅", "住房和城乡建设厅")
MARKET = ("省市场监管局", "市场监管局", "省市场监督管理局")
CULTURE = ("文化和旅游厅", "文旅厅")
DRUGS = ("省药监局", "省药品监督管理局")
COMMERCE = ("商务厅",)
LAND = ("自然资源厅",)
POLICE = ("公安厅",)
DIRECTOR_FORMS = ("厅长进大厅", "局长进大厅", "厅(局)长进大厅", "厅局长进大厅")


def d(forms: tuple[str, ...]) -> Rule:
    return dept(forms[0], *forms)


def plain(word: str, *apart: str, why: str = "") -> Judged:
    """A plain word: where it stands whole first; its words apart still useful."""
    return J(word, "plain word", why or f"sections holding {word}; its parts apart rank after",
             text(word), text(*apart) if apart else NOTHING)


def with_dept(q: str, forms, word: str, group: str) -> Judged:
    return J(q, group, f"{forms[1] if len(forms) > 1 else forms[0]} and {word} in one section",
             all_of(d(forms), text(word)))


def dept_alone(q: str, forms) -> Judged:
    return J(q, "department", "the department acts (named first); any mention still useful",
             first_dept(forms[0]), d(forms))


def col(q: str, section_type: str, *forms: str) -> Judged:
    return J(q, "column", f"every section of the {section_type} column; the name in a sentence "
             "still useful", column(section_type), text(forms[0]) if forms else NOTHING)


JUDGED: list[Judged] = [
    plain("上门服务", "上门", "服务"), plain("一网通办"), plain("电子证照"), plain("营业执照"),
    plain("行政许可"), plain("综合窗口"), plain("帮办代办"), plain("网上申报", "网上", "申报"),
    plain("现场答疑"), plain("一次性告知"), plain("并联审查"), plain("林地"), plain("道路运输"),
    plain("资质审批", "资质", "审批"), plain("野生动物"), plain("医疗器械"),

    with_dept("应急厅 上门服务", EMERGENCY, "上门", "spaced words"),
    with_dept("交通厅 道路运输", TRANSPORT, "道路运输", "spaced words"),
    with_dept("林草局 林地", FOREST, "林地", "spaced words"),
    with_dept("人社厅 培训", HR, "培训", "spaced words"),
    with_dept("卫健委 资质", HEALTH, "资质", "spaced words"),
    with_dept("药监局 药品", DRUGS, "药品", "spaced words"),
    with_dept("住建厅 资质", HOUSING, "资质", "spaced words"),
    with_dept("商务厅 外商投资", COMMERCE, "外商投资", "spaced words"),

    with_dept("应急厅的上门服务", EMERGENCY, "上门", "unspaced"),
    with_dept("交通厅的道路运输", TRANSPORT, "道路运输", "unspaced"),
    with_dept("林草局的林地", FOREST, "林地", "unspaced"),
    with_dept("人社厅的培训", HR, "培训", "unspaced"),
    with_dept("卫健委的资质", HEALTH, "资质", "unspaced"),
    with_dept("自然资源厅的上门服务", LAND, "上门", "unspaced"),
    with_dept("住建厅的资质审批", HOUSING, "资质审批", "unspaced"),
    J("水利厅和生态环境厅", "unspaced", "both departments in one section",
      all_of(d(("水利厅",)), d(("生态环境厅",)))),
    J("应急厅和交通厅", "unspaced", "both departments in one section", all_of(d(EMERGENCY), d(TRANSPORT))),
    J("公安厅和市场监管局", "unspaced", "both departments in one section", all_of(d(POLICE), d(MARKET))),
    J("商务厅厅长进大厅", "unspaced", "the head of 商务厅 visiting the hall",
      all_of(d(COMMERCE), column("厅长进大厅"))),
    J("交通运输厅厅长进大厅", "unspaced", "the head of 交通运输厅 visiting the hall",
      all_of(d(TRANSPORT), column("厅长进大厅"))),
    J("林草局厅长进大厅", "unspaced", "the head of 林草局 visiting the hall",
      all_of(d(FOREST), column("厅长进大厅"))),
    J("上门服务和网上申报", "unspaced", "both services in one section", text("上门服务", "网上申报"),
      text("上门", "服务", "网上申报")),

    col("厅长进大厅", "厅长进大厅", "厅长进大厅"), col("局长进大厅", "厅长进大厅", "厅长进大厅"),
    col("厅局长进大厅", "厅长进大厅", "厅长进大厅"), col("厅（局）长进大厅", "厅长进大厅", "厅长进大厅"),
    col('"厅长进大厅"', "厅长进大厅", "厅长进大厅"), col("大厅巡查", "大厅巡查", "大厅巡查"),
    col("办件情况", "办件统计", "办件情况"), col("办件统计", "办件统计"),
    col("营商环境", "营商环境", "营商环境"), col("综窗改革", "综窗改革", "综窗改革"),
    col("综窗", "综窗改革", "综窗"), col("一件事", "一件事", "一件事"), col("重点工作", "重点工作", "重点工作"),
    col("政务动态", "政务动态", "政务动态"), col("窗口动态", "窗口动态", "窗口动态"),

    J("2022年第40期", "issue", "that issue's sections", issue("2022-w40")),
    J("第40期", "issue", "every year's 40th issue", number(40)),
    J("总第415期", "issue", "the issue with that running number", issue("2022-w40")),
    J("2022-w40", "issue", "that issue by its id", issue("2022-w40")),
    J("2022年第14期", "issue", "that issue's sections", issue("2022-w14")),
    J("总第389期", "issue", "the issue with that running number", issue("2022-w14")),
    J("2025年11月月报", "issue", "the November 2025 monthly", issue("2025-m11")),
    J("2025-m11", "issue", "that issue by its id", issue("2025-m11")),
    J("2014年第1期", "issue", "the first issue of 2014", issue("2014-w1")),
    J("总第430期", "issue", "the issue with that running number", issue("2023-w13")),
    J("2023年第13期", "issue", "that issue's sections", issue("2023-w13")),
    J("2025年12月月报", "issue", "the December 2025 monthly", issue("2025-m12")),
    J("总第415期 应急厅", "issue", "应急厅 in that issue", all_of(issue("2022-w40"), d(EMERGENCY))),
    J("2022年第40期 上门服务", "issue", "上门服务 in that issue", all_of(issue("2022-w40"), text("上门服务")),
      all_of(issue("2022-w40"), text("上门", "服务"))),
    J("2025年11月月报 办件", "issue", "the figures of that month", all_of(issue("2025-m11"), text("办件"))),
    J("第40期 厅长进大厅", "issue", "heads visiting the hall in a 40th issue",
      all_of(number(40), column("厅长进大厅"))),

    J("應急廳 上門服務", "traditional", "as 应急厅 上门服务", all_of(d(EMERGENCY), text("上门服务")),
      all_of(d(EMERGENCY), text("上门", "服务"))),
    J("上門服務", "traditional", "as 上门服务", text("上门服务"), text("上门", "服务")),
    J("營商環境", "traditional", "as the 营商环境 column", column("营商环境"), text("营商环境")),
    J("廳長進大廳", "traditional", "as the 厅长进大厅 column", column("厅长进大厅"), text("厅长进大厅")),
    J("網上申報", "traditional", "as 网上申报", text("网上申报")),
    J("電子證照", "traditional", "as 电子证照", text("电子证照")),
    J("營業執照", "traditional", "as 营业执照", text("营业执照")),
    J("交通廳 道路運輸", "traditional", "as 交通厅 道路运输", all_of(d(TRANSPORT), text("道路运输"))),
    J("應急廳的上門服務", "traditional", "as 应急厅 上门服务", all_of(d(EMERGENCY), text("上门"))),
    J("總第415期", "traditional", "as 总第415期", issue("2022-w40")),

    dept_alone("应急厅", EMERGENCY), dept_alone("住建厅", HOUSING), dept_alone("卫健委", HEALTH),
    dept_alone("人社厅", HR), dept_alone("林草局", FOREST), dept_alone("市场监管局", MARKET),
    dept_alone("文旅厅", CULTURE), dept_alone("交通厅", TRANSPORT),

    J("应急听", "typo", "meant 应急厅", first_dept("应急管理厅"), d(EMERGENCY), did_you_mean="应急厅"),
    J("yingjiting", "typo", "meant 应急厅 (pinyin)", first_dept("应急管理厅"), d(EMERGENCY),
      did_you_mean="应急厅"),
    J("厅长进大听", "typo", "meant 厅长进大厅", column("厅长进大厅"), did_you_mean="厅长进大厅"),
    J("营上环境", "typo", "meant 营商环境", column("营商环境"), text("营商环境"), did_you_mean="营商环境"),
    J("应急听 上门服务", "typo", "meant 应急厅 上门服务", all_of(d(EMERGENCY), text("上门服务")),
      all_of(d(EMERGENCY), text("上门", "服务")), did_you_mean="应急厅 上门服务"),
    J("shangmenfuwu", "typo", "meant 上门服务 (pinyin)", text("上门服务"), did_you_mean="上门服务"),
    J("电子正照", "typo", "meant 电子证照", text("电子证照"), did_you_mean="电子证照"),
    J("林草句", "typo", "meant 林草局", first_dept("省林草局"), d(FOREST), did_you_mean="林草局"),
]

NOTHING_SEARCHABLE = ["%", "(", "，", "AND", "的", "的 和", "OR", "-"]


# --- running ----------------------------------------------------------------------------------------

def build_index(work: Path, issues: int) -> Path:
    from indexer.demo.archive import write_demo_archive
    from indexer.search.indexing import index_paths

    archive = work / "archive"
    write_demo_archive(str(archive), issues=issues, seed=2014, formats=("txt",))
    paths = [str(archive)] + [str(p) for p in sorted(CORPUS.glob("*.pdf"))]
    index_paths(paths, work / "index")
    return work / "index"


def load_sections(service) -> list[Section]:
    issue_ids = sorted({h["issue_id"] for h in service.export_hits([], limit=1_000_000)})
    out = []
    for issue_id in issue_ids:
        bulletin = service.issue(issue_id)
        for s in bulletin["sections"]:
            out.append({"id": s["id"], "issue": issue_id, "type": s["type"],
                        "departments": s["departments"], "heading": s["heading"],
                        "haystack": norm(" ".join(s["heading"]) + "\n" + s["text"])})
    return out


def ctrl_f(query: str, sections: list[Section]) -> set[str]:
    """What Ctrl+F on the typed words finds: every word literally in the section."""
    words = [w.strip('"“”') for w in query.split() if w not in ("OR", "AND") and not w.startswith("-")]
    words = [norm(w) for w in words if w]
    if not words:
        return set()
    return {s["id"] for s in sections if all(w in s["haystack"] for w in words)}


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def gain(g):
        return (2 ** g - 1)

    dcg = sum(gain(grades.get(i, 0)) / math.log2(n + 2) for n, i in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(gain(g) / math.log2(n + 2) for n, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def score(service, sections: list[Section]) -> dict:
    rows = []
    for j in JUDGED:
        grades = {}
        for s in sections:
            if j.high(s):
                grades[s["id"]] = 2
            elif j.low(s):
                grades[s["id"]] = 1
        reply = service.search_params([("q", j.query), ("per_page", "10")])
        top = [h["section_id"] for h in reply["hits"]]
        everything = {h["section_id"] for h in service.export_hits([("q", j.query)], limit=1_000_000)}
        relevant = set(grades)
        found_by_ctrl_f = ctrl_f(j.query, sections)
        rows.append({
            "query": j.query, "group": j.group, "why": j.why, "relevant": len(relevant),
            "high": sum(1 for g in grades.values() if g == 2), "total": reply["total"],
            "ndcg10": ndcg(top, grades),
            "recall": len(everything & relevant) / len(relevant) if relevant else None,
            "ctrl_f_recall": len(found_by_ctrl_f & relevant) / len(relevant) if relevant else None,
            "did_you_mean": reply.get("did_you_mean"), "want_did_you_mean": j.did_you_mean,
        })
    nothing = []
    for q in NOTHING_SEARCHABLE:
        reply = service.search_params([("q", q), ("per_page", "1")])
        nothing.append({"query": q, "total": reply["total"], "message": reply.get("message")})
    return {"queries": rows, "nothing_searchable": nothing, "sections": len(sections)}


def summarise(result: dict) -> dict:
    groups: dict[str, dict] = {}
    for row in result["queries"]:
        g = groups.setdefault(row["group"], {"n": 0, "ndcg": [], "recall": [], "ctrl_f": [], "zero": 0})
        g["n"] += 1
        g["ndcg"].append(row["ndcg10"])
        if row["recall"] is not None:
            g["recall"].append(row["recall"])
            g["ctrl_f"].append(row["ctrl_f_recall"])
        g["zero"] += row["total"] == 0
    out = {}
    for name, g in groups.items():
        out[name] = {"n": g["n"], "ndcg10": statistics.mean(g["ndcg"]),
                     "recall": statistics.mean(g["recall"]) if g["recall"] else None,
                     "ctrl_f_recall": statistics.mean(g["ctrl_f"]) if g["ctrl_f"] else None,
                     "zero": g["zero"]}
    rows = result["queries"]
    out["all"] = {"n": len(rows), "ndcg10": statistics.mean(r["ndcg10"] for r in rows),
                  "recall": statistics.mean(r["recall"] for r in rows if r["recall"] is not None),
                  "ctrl_f_recall": statistics.mean(r["ctrl_f_recall"] for r in rows
                                                   if r["ctrl_f_recall"] is not None),
                  "zero": sum(r["total"] == 0 for r in rows)}
    typos = [r for r in rows if r["want_did_you_mean"]]
    out["did_you_mean"] = sum(r["did_you_mean"] == r["want_did_you_mean"] for r in typos), len(typos)
    nothing = result["nothing_searchable"]
    out["nothing_searchable"] = sum(r["total"] == 0 for r in nothing), len(nothing)
    return out


def compare(before: dict, after: dict) -> str:
    b, a = summarise(before), summarise(after)
    order = ["plain word", "spaced words", "department", "unspaced", "column", "issue",
             "traditional", "typo", "all"]
    lines = ["| queries | n | nDCG@10 before → after | recall before → after | Ctrl+F recall | "
             "zero hits before → after |", "|---|---:|---:|---:|---:|---:|"]

    def f(x):
        return "–" if x is None else f"{x:.3f}"

    for name in order:
        if name not in a:
            continue
        x, y = b.get(name, {}), a[name]
        label = f"**{name}**" if name == "all" else name
        lines.append(f"| {label} | {y['n']} | {f(x.get('ndcg10'))} → {f(y['ndcg10'])} | "
                     f"{f(x.get('recall'))} → {f(y['recall'])} | {f(y['ctrl_f_recall'])} | "
                     f"{x.get('zero', '–')} → {y['zero']} |")
    lines.append("")
    lines.append(f"Did you mean offered the intended correction: {b['did_you_mean'][0]} → "
                 f"{a['did_you_mean'][0]} of {a['did_you_mean'][1]} typos. Nothing-searchable "
                 f"queries ({', '.join(f'`{q}`' for q in NOTHING_SEARCHABLE)}) answered with "
                 f"nothing: {b['nothing_searchable'][0]} → {a['nothing_searchable'][0]} of "
                 f"{a['nothing_searchable'][1]} (before, the others listed every section).")
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=60, help="demo issues (seed 2014; default 60)")
    parser.add_argument("--index-dir", help="score this index instead of building one")
    parser.add_argument("--json", help="write the per-query results here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                        help="print the before/after table of two --json results")
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(Path(p).read_text()) for p in args.compare)
        print(compare(before, after))
        return 0
    from indexer.search.service import open_service

    with tempfile.TemporaryDirectory(prefix="relevance-") as work:
        index_dir = Path(args.index_dir) if args.index_dir else build_index(Path(work), args.issues)
        service = open_service(index_dir)
        sections = load_sections(service)
        result = score(service, sections)
    print(f"{len(JUDGED)} judged queries over {result['sections']} sections", file=sys.stderr)
    for name, row in summarise(result).items():
        print(name, row, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
