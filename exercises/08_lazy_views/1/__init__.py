"""Lesson 08 - lazy views: a central URL map, add_url_rule, LazyView, class-based views."""

import os

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from .classviews import Greeting, NoteList
from .lazy import LazyView


# --8<-- [start:url]
def url(app, import_name, *rules, **options):
    """Map rules to a view of this package, imported on its first request.

    The notes' helper used a global ``app``; a factory passes it in. One LazyView per
    view, so a view can be mapped by several calls with different options.
    """
    lazy_views = app.extensions.setdefault("lazy_views", {})
    if import_name not in lazy_views:
        lazy_views[import_name] = LazyView(f"{__name__}.{import_name}")
    for rule in rules:
        app.add_url_rule(rule, view_func=lazy_views[import_name], **options)


# --8<-- [end:url]


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, but JSON nested too deep to parse is broken JSON (lesson 09's trap)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # json.loads() gives up past about 1,000 levels
            raise ValueError("JSON nested too deeply") from None


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(TRAPS=False, MAX_CONTENT_LENGTH=64 * 1024)  # a bigger body: 413
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_TRAPS=true adds the notes' broken mapping
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    app.json = JSONProvider(app)  # JSON nested too deep: a 400, not a 500

    # --8<-- [start:urls]
    # The URL map, in one place. Nothing here imports views.py.
    url(app, "views.index", "/")
    # An optional variable: the rule without it supplies a default.
    url(app, "views.user", "/user/", defaults={"username": None})
    url(app, "views.user", "/user/<username>")
    # /users/page/1 equals the defaults, so Werkzeug redirects it to /users/.
    url(app, "views.users", "/users/", defaults={"page": 1})
    url(app, "views.users", "/users/page/<int:page>")
    # --8<-- [end:urls]

    # --8<-- [start:class_urls]
    # Class-based views: one class, configured per URL by as_view(name, *args).
    app.add_url_rule("/hello/<name>", view_func=Greeting.as_view("hello", "Hello"))
    app.add_url_rule("/hola/<name>", view_func=Greeting.as_view("hola", "Hola"))
    app.add_url_rule("/notes/", view_func=NoteList.as_view("notes", store=[], limit=100))
    # --8<-- [start:solution]
    # Exercise 08-1: the same class again, with a list and a limit of its own.
    app.add_url_rule("/todo/", view_func=NoteList.as_view("todo", store=[], limit=3))
    # --8<-- [end:solution]
    # --8<-- [end:class_urls]

    if app.config["TRAPS"]:
        # --8<-- [start:trap]
        # WRONG (the notes' mapping): no default for `username`, so /traps/user/ is a 500.
        url(app, "views.user", "/traps/user/", "/traps/user/<username>", endpoint="traps_user")
        # --8<-- [end:trap]
    return app
