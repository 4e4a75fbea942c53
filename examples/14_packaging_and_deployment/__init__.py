"""Lesson 14 - packaging and deployment: an installable flaskr, a wheel, WSGI servers.

The project is this folder: ``pyproject.toml``, the package ``flaskr/`` and its ``tests/``.
This file is not part of it. It only lets ``flask --app examples/14_packaging_and_deployment``
load the app from the source tree, as ``flask --app flaskr`` typed in this folder would:
installed from the wheel, the app is ``flask --app flaskr``.
"""

import os
import sys

PROJECT = os.path.dirname(os.path.abspath(__file__))


def create_app(test_config=None):
    """flaskr's factory, with flaskr imported as the top-level package it is in the project.

    Flask puts the instance folder next to the top-level package, so this way it is this
    folder's ``instance/``, as for ``flask --app flaskr`` here, not ``examples/instance``.
    Installed, flaskr keeps Flask's own rule: ``<prefix>/var/flaskr-instance``. Imported on
    call, so that this file imports no flaskr by itself: pytest, run in a copy of this
    folder, imports it as a plain module.
    """
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    import flaskr

    return flaskr.create_app(test_config)
