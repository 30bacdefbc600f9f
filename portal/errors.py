"""Every error a request can end in, mapped in one place to a page or a JSON error body.

Domain errors (`portal.domain_errors`) get their status here; pages show the message in the
user's language, and everything under /api/ answers `{"error": {"code", "message", "fields"}}`.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.api.errors import ApiError
from portal.domain_errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    LoginRequired,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

log = logging.getLogger("portal.errors")


def _messages() -> dict[int, str]:
    return {
        400: _("请求有误，请检查输入后重试。"),
        401: _("请先登录。"),
        403: _("您没有权限执行此操作。"),
        404: _("页面不存在或已被删除。"),
        405: _("不支持该请求方式。"),
        409: _("与现有数据冲突。"),
        413: _("提交的内容过大。"),
        422: _("提交的数据无法处理。"),
        429: _("请求过于频繁，请稍后再试。"),
        500: _("服务器内部错误，我们已记录此问题。"),
    }


# Most specific first: the first class an error is an instance of gives its status.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (LoginRequired, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (InvalidTransition, 409),
    (Conflict, 409),
    (ValidationFailed, 422),
    (DomainError, 400),
)


def domain_status(error: DomainError) -> int:
    return next(status for cls, status in DOMAIN_STATUS if isinstance(error, cls))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, code: str, message: str | None = None, fields: dict[str, str] | None = None
) -> tuple[Response | str, int]:
    text = message or _messages().get(status, _("出错了"))
    if wants_json():
        body = jsonify({"error": {"code": code, "message": text, "fields": fields or {}}})
        if status == 401:
            body.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return body, status
    return render_template("error.html", status=status, message=text), status


def configure_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
        return error_response(400, "csrf_failed", _("表单已过期或缺少安全令牌，请刷新页面后重试。"))

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[Response | str, int]:
        return error_response(domain_status(exc), exc.code, exc.message, exc.fields)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> tuple[Response | str, int]:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code, code)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_server_error")
