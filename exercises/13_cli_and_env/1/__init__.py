"""Lesson 13 - the CLI and the environment: commands, a command group, a plugin command,
.env and .flaskenv files, debug mode, and what production servers do not read."""

import os

import click
from flask import Flask, render_template
from flask.cli import AppGroup


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(GREETING="Hello")
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_GREETING, from the shell, .env or .flaskenv
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine

    # --8<-- [start:views]
    # The index: the page and the commands (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    # What the environment decided: a config value and debug mode.
    @app.get("/greeting")
    def greeting():
        return {"greeting": app.config["GREETING"], "debug": app.debug}

    # --8<-- [end:views]

    # --8<-- [start:commands]
    # `flask greet ada` and `flask greet --shout ada`: an argument and an option.
    # --8<-- [start:solution]
    @app.cli.command("greet")
    @click.argument("name")
    @click.option("--shout", is_flag=True, help="Say it loudly.")
    # Exercise 13-1: an option with a type and a range: click checks it, not the command.
    @click.option("--times", type=click.IntRange(1, 10), default=1, help="How often (1-10).")
    def greet(name, shout, times):
        """Greet NAME."""
        text = f"{app.config['GREETING']}, {name}."
        for _ in range(times):
            click.echo(text.upper() if shout else text)

    # --8<-- [end:solution]

    # `flask show-config`: what the environment set.
    @app.cli.command("show-config")
    def show_config():
        """Print GREETING and whether debug mode is on."""
        click.echo(f"GREETING = {app.config['GREETING']!r}")
        click.echo(f"debug = {app.debug}")

    # A group: `flask users create grace --admin`.
    users = AppGroup("users", help="Manage users.")

    @users.command("create")
    @click.argument("name")
    @click.option("--admin", is_flag=True, help="Give the user every right.")
    def create_user(name, admin):
        """Create user NAME."""
        click.echo(f"Created {'admin' if admin else 'user'} {name}.")

    app.cli.add_command(users)

    # `flask shell` starts with these names already defined.
    @app.shell_context_processor
    def shell_names():
        return {"greeting": app.config["GREETING"]}

    # --8<-- [end:commands]
    return app
