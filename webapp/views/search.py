"""GET /: the search page, over the same reply the API gives."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, request

from indexer.search.errors import BadParameter
from indexer.search.params import FILTERS, LABELS

from ..presenting import page_model
from ..searching import RequestRefused, get_service, request_pairs
from ..urls import search_url, without

bp = Blueprint("search", __name__)


def _bad_parameter_message(bad: Exception, pairs) -> tuple[str, str | None]:
    """A Chinese sentence for a service BadParameter, and a link dropping the parameter it names."""
    name = getattr(bad, "name", None) or next(
        (n for n in LABELS if re.match(rf"\W*{re.escape(n)}\b", str(bad))), None)
    if name not in LABELS:
        return "检索条件有误，请修改后重试。", None
    fix_url = search_url(without(pairs, name)) if name != "q" else None
    return f"“{LABELS[name]}”的取值有误，请修改后重试。", fix_url


@bp.get("/")
def index():
    service = get_service()
    query = request.args.get("q", "")
    try:
        pairs = request_pairs()
    except RequestRefused as refused:
        return render_template("search.html", query=query[:current_app.config["MAX_QUERY_CHARS"]],
                               error=refused.chinese,
                               error_detail=str(refused), stats=service.stats()), 400
    try:
        reply = service.search_params(pairs)
    except BadParameter as bad:
        message, fix_url = _bad_parameter_message(bad, pairs)
        return render_template("search.html", query=query, error=message, error_detail=str(bad),
                               fix_url=fix_url, stats=service.stats()), 400

    model = page_model(reply, pairs)
    filters_active = any(n in FILTERS for n, _ in pairs)
    unfiltered_total = None
    if reply["total"] == 0 and filters_active and query.strip():
        # The empty state says how much dropping every filter would find.
        try:
            unfiltered_total = service.search_params([("q", query), ("per_page", "1")])["total"]
        except BadParameter:
            unfiltered_total = None
    return render_template(
        "search.html", query=reply.get("query", query), filters_active=filters_active,
        unfiltered_total=unfiltered_total, stats=service.stats(), notice=reply.get("notice"),
        browsing=not query.strip(), dates={"from": request.args.get("from", ""),
                                            "to": request.args.get("to", "")},
        # the form's own boxes (q, from, to) are not repeated as hidden fields; a new search is page 1
        hidden_pairs=[(n, v) for n, v in pairs if n not in ("q", "from", "to", "page")],
        **model,
    )
