"""The naive download, registered only with TRAPS=True: it costs a file's size in memory."""

import os

from flask import abort
from werkzeug.security import safe_join


def register_traps(app, folder):
    # --8<-- [start:naive]
    # WRONG: read() puts the whole file in memory, per request, before sending a byte.
    @app.get("/traps/naive/<path:name>")
    def naive(name):
        path = safe_join(folder, name)
        if path is None or not os.path.isfile(path):
            abort(404)
        with open(path, "rb") as f:
            data = f.read()
        return app.response_class(data, mimetype="application/octet-stream")

    # --8<-- [end:naive]
