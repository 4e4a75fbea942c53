"""A product catalog: a cached page, a cached search, a per-request cache in g."""

from flask import Blueprint, abort, g, request

from .extensions import cache
from .store import get_store

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


def counted(name):
    """Count one run of the slow work ``name``; return how many runs so far."""
    runs = get_store().runs
    runs[name] += 1
    return runs[name]


# --8<-- [start:cached]
# A fixed key ("catalog"), so that a write can delete exactly this entry.
@bp.get("/")
@cache.cached(timeout=60, key_prefix="catalog")
def index():
    return {"products": get_store().products, "renders": counted("catalog")}


# A write deletes the entry it makes stale; the next GET renders the new list.
@bp.post("/")
def add_product():
    name, products = request.form.get("name", "").strip(), get_store().products
    if not name:
        abort(400, description="name is required")
    if len(products) >= get_store().MAX_PRODUCTS:
        abort(409, description="the catalog is full")
    products.append(name[:40])
    cache.delete("catalog")
    cache.delete_memoized(find)  # exercise 11-1: every query's results are stale too
    return {"added": name[:40]}, 201


# --8<-- [start:solution]
# Exercise 11-1: the search, memoised per query, so a write can forget every query at once.
@bp.get("/search")
def search():
    q = request.args.get("q", "").lower()
    return {"q": q, **find(q)}


@cache.memoize(timeout=60)
def find(q):
    found = [p for p in get_store().products if q in p]
    return {"results": found, "renders": counted("search")}


# --8<-- [end:solution]


# --8<-- [end:cached]


# --8<-- [start:request_cache]
def exchange_rate():
    """The EUR to USD rate, fetched at most once per request: memoised in g."""
    if "rate" not in g:
        counted("rate")  # stands for a call to a slow rates service
        g.rate = 1.08
    return g.rate


# Three prices, three calls to exchange_rate(), one fetch per request.
@bp.get("/prices")
def prices():
    eur = {"apple": 0.50, "pear": 0.75, "plum": 1.25}
    usd = {name: round(price * exchange_rate(), 2) for name, price in eur.items()}
    return {"usd": usd, "rate_fetches": get_store().runs["rate"]}


# --8<-- [end:request_cache]
