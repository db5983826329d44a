"""Error pages: JSON for the API, a short Chinese page for people. Never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search.errors import BadParameter, IndexProblem

CHINESE_MESSAGES = {
    400: "请求有误。",
    404: "没有找到这个页面或这期公报。",
    405: "不支持这种请求方式。",
    413: "请求过大。",
    414: "网址过长，请缩短检索词或减少筛选条件。",
    431: "请求头过大。",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_page(status: int, message: str, detail: str = ""):
    if wants_json():
        return jsonify(error=detail or message), status
    return render_template("error.html", status=status, message=message, detail=detail), status


def problem_page(problem: Exception):
    """The one place a search-side problem becomes a status: a bad parameter is the request's
    fault (400), an index that cannot serve is ours (503). The message is the problem's own line."""
    if isinstance(problem, BadParameter):
        return error_page(400, getattr(problem, "chinese", "检索条件有误，请修改后重试。"), str(problem))
    return error_page(503, "检索服务暂时无法使用，请稍后再试。", str(problem))


def init_app(app: Flask) -> None:
    app.register_error_handler(BadParameter, problem_page)
    app.register_error_handler(IndexProblem, problem_page)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            return jsonify(error=error.description or error.name), status
        return error_page(status, CHINESE_MESSAGES.get(status, error.name))
