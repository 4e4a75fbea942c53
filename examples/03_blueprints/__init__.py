"""Lesson 03 - blueprints: registration, prefixes and endpoints, nesting, resources,
static files, templates and their search order, error handlers and URL processors."""

import os

import click
from flask import Flask, render_template

from . import admin, blog, lang, pages


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(TRAPS=False)
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_EXPLAIN_TEMPLATE_LOADING=true, see the page
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine

    # --8<-- [start:register]
    # Each registration replays the blueprint's recorded operations on this app.
    app.register_blueprint(pages.bp)  # no prefix: "/" and "/<page>", and the app's 404 page
    app.register_blueprint(admin.bp, url_prefix="/admin")  # with static files and templates
    app.register_blueprint(blog.parent)  # /blog, with /blog/comments nested inside
    # The same blueprint again, under another name and prefix: endpoints "news.*".
    app.register_blueprint(blog.parent, name="news", url_prefix="/news")
    app.register_blueprint(lang.bp)  # /en/ and /fr/: its URL processors handle the code
    # --8<-- [end:register]

    # FLASK_TRAPS=true also registers the notes' simple_page, for the page's Traps.
    if app.config["TRAPS"]:
        from .traps import simple_page

        app.register_blueprint(simple_page, url_prefix="/pages")

    # `flask --app examples/03_blueprints show-template admin/help.html`
    @app.cli.command("show-template")
    @click.argument("name")
    def show_template(name):
        """Render a template by name, to see which file was used."""
        with app.test_request_context():  # url_for in templates needs a request
            click.echo(render_template(name).strip())

    return app
