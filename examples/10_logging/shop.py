"""A blueprint that logs two ways: through current_app.logger and through a module logger."""

import logging

from flask import Blueprint, abort, current_app, request

bp = Blueprint("shop", __name__, url_prefix="/shop")

# --8<-- [start:module_logger]
# Named after this module, "10_logging.shop": a child of app.logger ("10_logging"),
# so its records travel up to the app logger's handlers.
logger = logging.getLogger(__name__)
# --8<-- [end:module_logger]


# --8<-- [start:views]
# current_app.logger: the logger of whichever app handles the request.
@bp.get("/")
def index():
    current_app.logger.info("shop index visited")
    return "shop\n"


# The module logger: no handler of its own, the app's setup applies to it.
@bp.post("/orders")
def place_order():
    order = request.get_json()  # broken JSON: 400; another content type: 415
    if not (isinstance(order, dict) and order.get("item") and isinstance(order.get("qty"), int)):
        # %r, never an f-string of raw input: a newline in it cannot forge a log line.
        logger.warning("rejected order %r", order)
        abort(400, description='send {"item": "...", "qty": 1}')
    logger.info("order: %d x %r", order["qty"], order["item"])
    return {"item": order["item"], "qty": order["qty"]}, 201


# --8<-- [end:views]
