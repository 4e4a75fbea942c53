"""The notes' wrong forms. Registered only when the app is created with TRAPS=True."""

from flask import Blueprint, request

from .extensions import cache
from .store import get_store

bp = Blueprint("traps", __name__, url_prefix="/traps")


# --8<-- [start:search]
# WRONG: the default key is the path alone, so ?q=apple and ?q=pear share one entry,
# and everyone gets the answer to whichever query came first.
@bp.get("/search")
@cache.cached(timeout=60)
def search():
    q = request.args.get("q", "").lower()
    return {"q": q, "results": [p for p in get_store().products if q in p]}


# --8<-- [end:search]
