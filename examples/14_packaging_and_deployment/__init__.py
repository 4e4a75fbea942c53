"""Lesson 14 - packaging and deployment: an installable flaskr, a wheel, WSGI servers.

The app is the package ``flaskr/`` next to ``pyproject.toml``. This file only lets
``flask --app examples/14_packaging_and_deployment`` load it from the source tree;
installed from the wheel, the app is ``flask --app flaskr``.
"""

from .flaskr import create_app

__all__ = ["create_app"]
