"""The shop blueprint, with a 404 page of its own: for the 404s its own views raise."""

from flask import Blueprint, abort, render_template

bp = Blueprint("shop", __name__, url_prefix="/shop")
ITEMS = {1: "teapot", 2: "kettle"}


# --8<-- [start:shop]
# Runs only for errors raised while one of this blueprint's views runs.
@bp.errorhandler(404)
def item_not_found(e):
    return render_template("shop/404.html", error=e), 404


# /shop/items/3 reaches this view, which aborts: the shop's own 404 page answers.
@bp.get("/items/<int:item_id>")
def item(item_id):
    if item_id not in ITEMS:
        abort(404, description=f"The shop has no item {item_id}.")
    return render_template("shop/item.html", name=ITEMS[item_id])


# --8<-- [end:shop]
