"""The 办件 figures: GET /api/stats (JSON, as ``bulletin-search stats --format json`` prints it),
GET /stats.csv (the same rows for a spreadsheet) and GET /stats (the chart page).

All three take the same parameters (indexer.search.stats): subject, measure, from, to, kind, scope.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, render_template, request

from ..searching import RequestRefused, get_service
from ..urls import search_url

bp = Blueprint("stats", __name__)

# The page opens on the series the issue names: the weekly 行政许可事项受理 (cumulative in the
# weeklies) beside the monthly 综合窗口受理.
DEFAULT_WEEKLY = ("行政许可事项", "受理")
DEFAULT_MONTHLY = ("综合窗口", "受理")


def _pairs() -> list[tuple[str, str]]:
    """This request's figures parameters; a bad one is a BadParameter, which the app's error
    handlers turn into a 400 (JSON under /api/, a Chinese page elsewhere), an unreadable
    figures file an IndexProblem (503)."""
    from indexer.search.stats import STATS_PARAMS

    limit = current_app.config["MAX_QUERY_STRING"]
    if len(request.query_string) > limit:
        raise RequestRefused("query string", f"too long: {len(request.query_string)} bytes, at most {limit}",
                             f"请求过长（超过 {limit} 字节），请减少统计条件。")
    return [(n, v) for n, v in request.args.items(multi=True) if n in STATS_PARAMS and v.strip()]


@bp.get("/api/stats")
def api_stats():
    return Response(get_service().figures_json(_pairs()), mimetype="application/json")


@bp.get("/stats.csv")
def stats_csv():
    from indexer.search.stats import figures_csv

    figures = get_service().figures(_pairs())["figures"]
    name = f"bulletin-figures-{date.today().isoformat()}.csv"
    # UTF-8 with a BOM, so Excel and WPS open the Chinese intact
    return Response(figures_csv(figures).encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


PANELS = (("weekly", "周报", "窗口工作周报"), ("monthly", "月报", "政务窗口月报"))
PER_PERIOD = ("本周", "本月")
SERVER_ROWS = 200
CUMULATIVE = ("今年以来",)


def _series_value(subject: str, measure: str) -> str:
    return f"{subject}|{measure}"


def _panel(service, series: list[dict], key: str, kind: str, title: str) -> dict:
    """One chart's model: the series to pick from, the one picked (the request's, else the
    default, else the largest), its figures, and which of per-period / cumulative is shown."""
    options = [s for s in series if s["kind"] == kind]
    values = {_series_value(s["subject"], s["measure"]): s for s in options}
    wanted = request.args.get(key, "")
    default = _series_value(*(DEFAULT_WEEKLY if kind == "周报" else DEFAULT_MONTHLY))
    chosen = wanted if wanted in values else default if default in values else (
        _series_value(options[0]["subject"], options[0]["measure"]) if options else None)
    panel = {"key": key, "kind": kind, "title": title, "options": [], "chosen": chosen, "figures": [],
             "unit": "", "scope": "period", "has_period": False, "has_cumulative": False,
             "unknown": bool(wanted) and wanted not in values}
    if chosen is None:
        return panel
    seen = set()
    for s in options:  # one entry per subject|measure (a series has one unit)
        value = _series_value(s["subject"], s["measure"])
        if value not in seen:
            seen.add(value)
            panel["options"].append({"value": value, "label": f"{s['subject']} · {s['measure']}"})
    subject, measure = chosen.rsplit("|", 1)
    figures = service.figures([("subject", subject), ("measure", measure), ("kind", kind)])["figures"]
    panel.update(figures=figures, subject=subject, measure=measure, unit=values[chosen]["unit"],
                 has_period=any(f["scope"] in PER_PERIOD for f in figures),
                 has_cumulative=any(f["scope"] in CUMULATIVE for f in figures))
    asked = request.args.get(f"{key}_scope")
    if asked in ("period", "cumulative"):
        panel["scope"] = asked
    elif not panel["has_period"]:
        panel["scope"] = "cumulative"
    shown = PER_PERIOD if panel["scope"] == "period" else CUMULATIVE
    rows = [f for f in figures if f["scope"] in shown]
    # without JavaScript the newest rows are listed (the script lists them all, from the page's
    # data); 5,000 issues would be a 4 MB page twice over
    panel["rows"], panel["rows_left_out"] = rows[-SERVER_ROWS:], max(0, len(rows) - SERVER_ROWS)
    panel["yoy"] = request.args.get(f"{key}_yoy") == "1"
    panel["query"] = [("subject", subject), ("measure", measure), ("kind", kind)]
    return panel


def format_value(value, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    return f"{value:,}{unit}"


@bp.get("/stats")
def stats_page():
    return _stats_page(get_service())


def _stats_page(service):
    series = service.figure_series()
    panels = [_panel(service, series, key, kind, title) for key, kind, title in PANELS]
    activity = service.activity()
    section_type = request.args.get("type", "").strip()
    if section_type and section_type in activity["types"]:
        activity = {**service.activity(section_type), "types": activity["types"]}
    else:
        section_type = ""
    keep = [(n, v) for n, v in request.args.items(multi=True)
            if n in ("weekly", "monthly", "weekly_scope", "monthly_scope", "weekly_yoy", "monthly_yoy", "type")]
    return render_template("stats.html", panels=panels, activity=activity, section_type=section_type,
                           keep=keep, stats=service.stats(), format_value=format_value,
                           search_url=search_url)
