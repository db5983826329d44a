"""GET /api/search: exactly CONTRACT.md's reply; a bad parameter is a 400 with {"error": …}."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..searching import RequestRefused, get_service, request_pairs

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    from indexer.search.service import BadParameter, public_reply

    try:
        reply = get_service().search_params(request_pairs())
    except (RequestRefused, BadParameter) as bad:
        return jsonify(error=str(bad)), 400
    return jsonify(public_reply(reply))
