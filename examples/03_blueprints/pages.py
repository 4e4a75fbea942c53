"""The notes' simple_page blueprint: one view for every page template."""

from flask import Blueprint, render_template, request
from jinja2 import TemplateNotFound

bp = Blueprint("pages", __name__)


# --8<-- [start:pages]
# Two rules, one endpoint: "pages.show". The name prefixes the endpoint, not the URL.
@bp.route("/", defaults={"page": "index"})
@bp.route("/<page>")
def show(page):
    if not page.replace("-", "").isalnum():  # "a.b", "%00": never a template name
        return render_template("pages/404.html", page=page), 404
    try:
        return render_template(f"pages/{page}.html", page=page)
    except TemplateNotFound:
        return render_template("pages/404.html", page=page), 404  # the status, or it is a 200


# --8<-- [end:pages]


# --8<-- [start:app_errorhandler]
# For the whole app, even a URL that no rule matches (errorhandler: this blueprint's views only).
@bp.app_errorhandler(404)
def not_found(e):
    return render_template("pages/404.html", page=request.path), 404


# --8<-- [end:app_errorhandler]
