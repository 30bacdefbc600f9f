"""How a domain declares its API: routes and schemas in an `ApiSection`, one per domain.

Each domain's `api.py` builds its section; the portal's factory hands all sections to
`portal.api.create_api_blueprint`, which adds the URL rules and the OpenAPI document from the
same declarations, so the two cannot drift apart. Nothing here knows any domain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.api.fields import Fields

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    description: str
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ApiRoute:
    method: str
    rule: str  # Flask rule relative to /api/v1, e.g. "/needs/<int:item_id>"
    view: Callable[..., Any]
    summary: str
    tag: str
    auth: str  # "none": public; "optional": more with a token; "required"
    request_schema: str | None = None
    response_schema: str | None = None
    is_list: bool = False
    query: tuple[QueryParam, ...] = ()
    success: int = 200
    errors: tuple[int, ...] = ()

    @property
    def endpoint(self) -> str:
        return f"{self.tag}_{self.view.__name__}"


@dataclass(frozen=True)
class Schema:
    """A component schema: the resource's fields, shown whole or as a request body."""

    fields: Fields
    writable_only: bool = False
    creating: bool = False


@dataclass(frozen=True)
class ApiSection:
    """One domain's part of the API."""

    routes: tuple[ApiRoute, ...]
    schemas: Mapping[str, Schema] = field(default_factory=dict)


PAGING = (
    QueryParam("page", "integer", "页码，从 1 开始"),
    QueryParam("per_page", "integer", "每页条数，默认 20，最多 100"),
)
WRITE_ERRORS = (400, 401, 403, 413, 415, 422)


def resource_routes(
    tag: str,
    collection: str,
    resource: Any,
    name: str,
    list_query: tuple[QueryParam, ...],
    noun: str,
) -> tuple[ApiRoute, ...]:
    """The five routes of a resource (an object with list_items, create_item, get_item,
    update_item, delete_item): list, create, get, update (PATCH), delete."""
    item = f"/{collection}/<int:item_id>"
    return (
        ApiRoute(
            "GET",
            f"/{collection}",
            resource.list_items,
            f"{noun}列表",
            tag,
            "optional",
            response_schema=name,
            is_list=True,
            query=PAGING + list_query,
            # 401 for a bad token or an unpublished status asked without one, 403 for an
            # unpublished status asked by an account of no organization.
            errors=(401, 403, 422),
        ),
        ApiRoute(
            "POST",
            f"/{collection}",
            resource.create_item,
            f"新建{noun}",
            tag,
            "required",
            request_schema=f"{name}Create",
            response_schema=name,
            success=201,
            errors=(*WRITE_ERRORS, 409),
        ),
        ApiRoute(
            "GET",
            item,
            resource.get_item,
            f"{noun}详情",
            tag,
            "optional",
            response_schema=name,
            errors=(401, 404),
        ),
        ApiRoute(
            "PATCH",
            item,
            resource.update_item,
            f"修改{noun}",
            tag,
            "required",
            request_schema=f"{name}Update",
            response_schema=name,
            errors=(*WRITE_ERRORS, 404, 409),
        ),
        ApiRoute(
            "DELETE",
            item,
            resource.delete_item,
            f"删除{noun}",
            tag,
            "required",
            success=204,
            errors=(401, 403, 404, 409),
        ),
    )


def resource_schemas(name: str, fields: Fields) -> dict[str, Schema]:
    return {
        name: Schema(fields),
        f"{name}Create": Schema(fields, writable_only=True, creating=True),
        f"{name}Update": Schema(fields, writable_only=True),
    }
