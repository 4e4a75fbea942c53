"""A plugin: Flask finds these commands through the "flask.commands" entry point."""

import click
from flask import current_app
from flask.cli import with_appcontext


# --8<-- [start:plugin]
# A plain click command: Flask runs it without loading the app.
@click.command()
def stamp():
    """Print a stamp; there is no app context here."""
    try:
        click.echo(f"stamped for {current_app.name}")
    except RuntimeError as error:
        click.echo(f"no app: {str(error).splitlines()[0]}")


# with_appcontext loads the app (from --app) and pushes its context first.
@click.command("stamp-app")
@with_appcontext
def stamp_app():
    """Print a stamp with the name of the app."""
    click.echo(f"stamped for {current_app.name}")


# --8<-- [end:plugin]
