"""Two blueprints that each render "index.html" and one whose static folder has no prefix.

Never imported by the package unless TRAPS is on: the page imports this module and registers
them on an app of its own to show the traps, un-namespaced templates and a static folder the
app's /static shadows. The notes' simple_page is registered only with TRAPS=True
(FLASK_TRAPS=true), under /pages.
"""

from flask import Blueprint, abort, render_template
from jinja2 import TemplateNotFound

# --8<-- [start:traps]
shop = Blueprint("shop", __name__, url_prefix="/shop", template_folder="traps/shop")
widgets = Blueprint(
    "widgets", __name__, template_folder="traps/widgets", static_folder="traps/widgets/static"
)


@shop.get("/")
def shop_index():
    return render_template("index.html")  # WRONG: not namespaced


# The notes' blueprint 404 handler: it forgets the status, so the "not found" page is a 200.
@shop.errorhandler(404)
def page_not_found(e):
    return render_template("index.html")  # WRONG: no 404


@shop.get("/items/<int:item_id>")
def item(item_id):
    abort(404)


@widgets.get("/widgets/")
def widgets_index():
    return render_template("index.html")  # WRONG: whose index.html?


# --8<-- [end:traps]


# --8<-- [start:simple_page]
# The notes' simple_page, as written there: "/<page>" also matches "index", the default.
simple_page = Blueprint("simple_page", __name__, template_folder="templates")


@simple_page.route("/", defaults={"page": "index"})
@simple_page.route("/<page>")
def show(page):
    try:
        return render_template(f"pages/{page}.html")
    except TemplateNotFound:
        abort(404)


# --8<-- [end:simple_page]
