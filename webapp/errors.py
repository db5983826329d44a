"""Error pages: JSON for the API, a short Chinese page for people. Never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

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


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            return jsonify(error=error.description or error.name), status
        return error_page(status, CHINESE_MESSAGES.get(status, error.name))
