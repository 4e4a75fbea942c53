"""Lesson 14 - packaging and deployment: an installable flaskr, a wheel, WSGI servers.

The project is this folder: ``pyproject.toml``, the package ``flaskr/`` and its ``tests/``.
This file is not part of it. It only lets ``flask --app examples/14_packaging_and_deployment``
load the app from the source tree; installed from the wheel, the app is ``flask --app flaskr``.
"""


def create_app(test_config=None):
    """flaskr's factory. Imported on call, so that this file imports nothing by itself: pytest,
    run in a copy of this folder, imports it as a plain module, where ``.flaskr`` means nothing."""
    from .flaskr import create_app

    return create_app(test_config)
