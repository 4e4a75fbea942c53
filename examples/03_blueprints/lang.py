"""URL processors: a language code in every URL of a blueprint, kept out of its views."""

from flask import Blueprint, g, url_for

# --8<-- [start:lang]
# Every URL starts with the code; any(en, fr) matches only those two, so /admin/ stays admin's.
bp = Blueprint("lang", __name__, url_prefix="/<any(en, fr):lang_code>")
GREETINGS = {"en": "Hello", "fr": "Bonjour"}


# After the URL matched, before the view: the code moves from the view's arguments to g.
@bp.url_value_preprocessor
def pull_lang_code(endpoint, values):
    g.lang_code = values.pop("lang_code")


# Before url_for builds a URL of this blueprint: the current code, unless one is given.
@bp.url_defaults
def add_lang_code(endpoint, values):
    if "lang_code" not in values:
        values["lang_code"] = g.lang_code


# The views take no lang_code argument, and url_for(".about") needs none.
@bp.get("/")
def index():
    return {"lang": g.lang_code, "about_url": url_for(".about")}


@bp.get("/about")
def about():
    return {"lang": g.lang_code, "greeting": GREETINGS[g.lang_code]}


# --8<-- [end:lang]
