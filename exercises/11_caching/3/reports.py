"""Sales reports: a slow function memoised per argument, and invalidated per argument."""

import time

from flask import Blueprint, abort, current_app, request

from .extensions import cache
from .store import get_store

bp = Blueprint("reports", __name__, url_prefix="/reports")


# --8<-- [start:memoize]
# memoize keys on the function and its arguments: one entry per year.
@cache.memoize(timeout=300)
def sales_report(year):
    """The expensive part: REPORT_DELAY seconds of pretend database work."""
    time.sleep(current_app.config["REPORT_DELAY"])
    get_store().runs["report"] += 1
    count, total = get_store().sales.get(year, [0, 0])
    return {"year": year, "sales": count, "total": total}


# The memoised report; "computed" says how often the slow part has run so far.
@bp.get("/<int:year>")
def report(year):
    if year not in get_store().YEARS:
        abort(404, description="no reports for that year")
    return {**sales_report(year), "computed": get_store().runs["report"]}


# A new sale makes that year's report stale: forget that entry only.
@bp.post("/<int:year>/sales")
def add_sale(year):
    if year not in get_store().YEARS:
        abort(404, description="no reports for that year")
    amount = request.form.get("amount", type=int)
    if amount is None or amount <= 0:
        abort(400, description="amount must be a positive whole number")
    totals = get_store().sales.setdefault(year, [0, 0])
    totals[0], totals[1] = totals[0] + 1, totals[1] + amount
    cache.delete_memoized(sales_report, year)
    cache.delete_memoized(summary)  # exercise 11-3: every sale changes the summary
    return {"year": year, "added": amount}, 201


# --8<-- [start:solution]
# Exercise 11-3: every year at once, memoised with no argument: one entry.
@cache.memoize(timeout=300)
def summary():
    get_store().runs["summary"] += 1
    sales = get_store().sales.values()
    return {
        "years": len(sales),
        "sales": sum(c for c, _ in sales),
        "total": sum(t for _, t in sales),
    }


@bp.get("/summary")
def sales_summary():
    return {**summary(), "computed": get_store().runs["summary"]}


# --8<-- [end:solution]


# --8<-- [end:memoize]
