"""API helpers shared by every app: error answers and their schema, object lookups by id, uploaded files."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from luoshi.core.errors import Conflict, RuleViolation
from luoshi.core.filters import parse_id


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RuleViolation):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, ctx)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        response.data["code"] = getattr(response.data["detail"], "code", None) or _code_of(exc)
    return response


def _code_of(exc: Exception) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else "error"


class IdLookupMixin:
    """Object URLs take any segment, and one that is no database id (``0.5``, 30 digits) is a JSON 404 before any
    query: never an HTML page, never an integer overflow in the database."""

    lookup_value_regex = "[^/]+"
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        key = self.kwargs.get(getattr(self, "lookup_url_kwarg", None) or "pk")
        if parse_id(key) is None:
            raise exceptions.NotFound()
        return super().get_object()  # type: ignore[misc]


class FilesField(serializers.ListField):
    """Repeated multipart parts named ``files`` (or ``files[]``, as many clients send them)."""

    def get_value(self, dictionary: Any) -> Any:
        if hasattr(dictionary, "getlist") and not dictionary.getlist("files") and dictionary.getlist("files[]"):
            return dictionary.getlist("files[]")
        return super().get_value(dictionary)


def evidence_files_field() -> FilesField:
    """The ``files`` input of a progress report: its evidence (佐证材料), each file checked by the service."""
    return FilesField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text=_("佐证材料（pdf、jpg、png、docx、xlsx）"),
    )


ERROR_SCHEMA = {
    "type": "object",
    "description": "A refused call: a message in the user's language and a machine-readable code.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Invalid input: the messages of each field (or of non_field_errors).",
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
    "minProperties": 1,
}
ERROR_ANSWERS = {
    "400": ("BadRequest", _("输入有误或违反业务规则")),
    "401": ("Error", _("未登录或令牌无效")),
    "403": ("Error", _("无权执行此操作")),
    "404": ("Error", _("不存在或不在您的范围内")),
    "409": ("Error", _("对象已被他人修改（version 不符）")),
    "429": ("Error", _("请求过于频繁，请稍后再试")),
}
WRITES = {"post", "put", "patch", "delete"}


def _error_codes(path: str, method: str) -> list[str]:
    codes = ["400", "401", "403", "404"]
    if method in WRITES:
        codes.append("409")
    if path.endswith("/token/"):
        codes = ["400", "429"]
    return codes


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the error answers it can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["FieldErrors"] = FIELD_ERRORS_SCHEMA
    schemas["BadRequest"] = {
        "anyOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/FieldErrors"}]
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method):
                name, description = ERROR_ANSWERS[code]
                responses[code] = {
                    "description": responses.get(code, {}).get("description") or str(description),
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
    return result
