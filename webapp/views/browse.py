"""GET /issues: the issue list (往期目录) by year and kind; GET /issues/<id>.json: one parsed issue
as `parse --format json` prints it. Also the footer's 已收录 N 期 · 最近更新, on every page."""
from __future__ import annotations

import os
from datetime import datetime

from flask import Blueprint, Response, abort, jsonify, render_template, request

from indexer.names import json_text
from indexer.search import catalog

from ..searching import get_service
from .issues import ISSUE_ID

bp = Blueprint("browse", __name__)


@bp.app_context_processor
def archive_status():
    """What the footer says about the archive: how many issues, and when one last came in."""
    def status():
        service = get_service()
        updated = service.last_updated()
        return {"issues": service.stats()["issues"],
                "updated": datetime.fromtimestamp(updated).strftime("%Y-%m-%d %H:%M") if updated else None}
    return {"archive_status": status}


@bp.get("/issues")
def issue_list():
    year = request.args.get("year", "").strip()
    kind = request.args.get("kind", "").strip()
    everything = get_service().issues()
    years = [group["year"] for group in catalog.by_year(everything)]
    shown = catalog.filtered(everything, year or None, kind or None)
    return render_template("issues.html", groups=catalog.by_year(shown), years=years,
                           year=year, kind=kind, total=len(shown))


@bp.get("/issues/<issue_id>.json")
def issue_json(issue_id: str):
    if not ISSUE_ID.fullmatch(issue_id):
        abort(404)
    bulletin = get_service().issue(issue_id)
    if bulletin is None:
        return jsonify(error=f"no issue {issue_id!r} in the index"), 404
    # The file's own name, not the server's folders (which /healthz keeps to itself too); a name
    # that is not UTF-8 is sent as \udcXX escapes, as the index stores it, not as a 500.
    source = dict(bulletin["issue"].get("source") or {})
    if source.get("path"):
        source["path"] = os.path.basename(source["path"])
    shown = {**bulletin, "issue": {**bulletin["issue"], "source": source}}
    return Response(json_text(shown), mimetype="application/json")
