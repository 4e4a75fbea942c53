"""Lesson 08 - lazy views: a central URL map, add_url_rule, LazyView, class-based views."""

import os

from flask import Flask

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


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(TRAPS=False)
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_TRAPS=true adds the notes' broken mapping
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine

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
    app.add_url_rule("/notes/", view_func=NoteList.as_view("notes", store=[]))
    # --8<-- [end:class_urls]

    if app.config["TRAPS"]:
        # --8<-- [start:trap]
        # WRONG (the notes' mapping): no default for `username`, so /traps/user/ is a 500.
        url(app, "views.user", "/traps/user/", "/traps/user/<username>", endpoint="traps_user")
        # --8<-- [end:trap]
    return app
