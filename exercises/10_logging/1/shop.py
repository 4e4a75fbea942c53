"""A blueprint that logs two ways: through current_app.logger and through a module logger."""

import logging
import reprlib

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
    item, qty = (order.get("item"), order.get("qty")) if isinstance(order, dict) else (None, None)
    if not (isinstance(item, str) and item and isinstance(qty, int)):
        # reprlib.repr quotes like %r (a newline in it cannot forge a log line) and cuts it
        # short: a long value cannot flood the log, nor one 990 lists deep crash logging.
        logger.warning("rejected order %s", reprlib.repr(order))
        abort(400, description='send {"item": "...", "qty": 1}')
    # --8<-- [start:solution]
    # Exercise 10-1: a large order is worth a look: WARNING, not INFO.
    if qty > 100:
        logger.warning("large order: %d x %r", qty, item)
    else:
        logger.info("order: %d x %r", qty, item)
    # --8<-- [end:solution]
    return {"item": item, "qty": qty}, 201


# --8<-- [end:views]
