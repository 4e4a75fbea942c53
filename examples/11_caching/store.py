"""Stands in for a database: the products and sales the views read, one store per app."""

from collections import Counter

from flask import current_app


# --8<-- [start:store]
class Store:
    """Products and each year's sales. Anyone may post, so it is bounded: at most
    MAX_PRODUCTS products, sales for YEARS only, and one count and total per year."""

    MAX_PRODUCTS = 50
    YEARS = range(2000, 2100)

    def __init__(self):
        self.products = ["apple", "pear"]
        self.sales = {2024: [2, 200]}  # year: [number of sales, total]
        # How often each slow piece of work really ran, to show the cache's hits. One key
        # per kind of work, so it cannot grow; per process, like SimpleCache itself.
        self.runs = Counter()


def get_store():
    """The store of the app handling this request (create_app made it)."""
    return current_app.extensions["store"]


# --8<-- [end:store]
