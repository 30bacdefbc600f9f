"""The search page (/search) and the search box's autocomplete (/search/suggest)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from werkzeug.wrappers import Response

from portal.search_index.page import facet_groups, hit_type_labels, result_links, type_tabs
from portal.search_index.query_args import SearchArgsError, parse_search_args
from portal.search_index.service import run_search, suggest

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.route("")
def results() -> str:
    try:
        args = parse_search_args(request.args, current_app.config["ITEMS_PER_PAGE"])
    except SearchArgsError:
        abort(400)
    answer = run_search(args.query)
    return render_template(
        "search/results.html",
        answer=answer,
        result=answer.result,
        query=args.query,
        doc_type=args.doc_type,
        links=result_links(answer.result.hits),
        type_labels=hit_type_labels(),
        tabs=type_tabs(request.args, answer.result.facets, args.doc_type),
        facets=facet_groups(request.args, answer.result.facets),
        pages=max(1, -(-answer.result.total // args.query.per_page)),
    )


@bp.route("/suggest")
def suggestions() -> Response:
    prefix = (request.args.get("q") or "").strip()
    return jsonify({"suggestions": suggest(prefix) if prefix else []})
