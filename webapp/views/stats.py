"""The 办件 figures: GET /api/stats (JSON, as ``bulletin-search stats --format json`` prints it),
GET /stats.csv (the same rows for a spreadsheet) and GET /stats (the chart page).

All three take the same parameters (indexer.search.stats): subject, measure, from, to, kind, scope.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ..errors import error_page
from ..searching import get_service

bp = Blueprint("stats", __name__)

# The page opens on the series the issue names: the weekly 行政许可事项受理 (cumulative in the
# weeklies) beside the monthly 综合窗口受理.
DEFAULT_WEEKLY = ("行政许可事项", "受理")
DEFAULT_MONTHLY = ("综合窗口", "受理")


class _TooLong(Exception):
    pass


def _pairs() -> list[tuple[str, str]]:
    from indexer.search.stats import STATS_PARAMS

    limit = current_app.config["MAX_QUERY_STRING"]
    if len(request.query_string) > limit:
        raise _TooLong(f"query string too long: {len(request.query_string)} bytes, at most {limit}")
    return [(n, v) for n, v in request.args.items(multi=True) if n in STATS_PARAMS and v.strip()]


@bp.get("/api/stats")
def api_stats():
    from indexer.search.params import BadParameter

    try:
        return jsonify(get_service().figures(_pairs()))
    except (BadParameter, _TooLong) as bad:
        return jsonify(error=str(bad)), 400


@bp.get("/stats.csv")
def stats_csv():
    from indexer.search.params import BadParameter
    from indexer.search.stats import figures_csv

    try:
        figures = get_service().figures(_pairs())["figures"]
    except (BadParameter, _TooLong) as bad:
        return error_page(400, "统计条件有误，无法导出。", str(bad))
    name = f"bulletin-figures-{date.today().isoformat()}.csv"
    # UTF-8 with a BOM, so Excel and WPS open the Chinese intact
    return Response(figures_csv(figures).encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/stats")
def stats_page():
    service = get_service()
    series = service.figure_series()
    return render_template("stats.html", series=series, stats=service.stats(),
                           defaults={"周报": DEFAULT_WEEKLY, "月报": DEFAULT_MONTHLY},
                           activity=None)
