"""Sales reports: a slow function memoised per argument, and invalidated per argument."""

import time

from flask import Blueprint, abort, current_app, request

from .extensions import cache

bp = Blueprint("reports", __name__, url_prefix="/reports")


# --8<-- [start:memoize]
# memoize keys on the function and its arguments: one entry per year.
@cache.memoize(timeout=300)
def sales_report(year):
    """The expensive part: REPORT_DELAY seconds of pretend database work."""
    time.sleep(current_app.config["REPORT_DELAY"])
    current_app.extensions["calls"]["report"] += 1
    sales = current_app.extensions["sales"].get(year, [])
    return {"year": year, "sales": len(sales), "total": sum(sales)}


# The memoised report; "computed" says how often the slow part has run so far.
@bp.get("/<int:year>")
def report(year):
    return {**sales_report(year), "computed": current_app.extensions["calls"]["report"]}


# The same work, never cached (`nox -s bench` compares the two).
@bp.get("/<int:year>/uncached")
def report_uncached(year):
    result = sales_report.uncached(year)
    return {**result, "computed": current_app.extensions["calls"]["report"]}


# A new sale makes that year's report stale: forget that entry only.
@bp.post("/<int:year>/sales")
def add_sale(year):
    amount = request.form.get("amount", type=int)
    if amount is None or amount <= 0:
        abort(400, description="amount must be a positive whole number")
    current_app.extensions["sales"].setdefault(year, []).append(amount)
    cache.delete_memoized(sales_report, year)
    return {"year": year, "added": amount}, 201


# --8<-- [end:memoize]
