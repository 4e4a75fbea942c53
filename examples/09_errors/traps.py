"""The notes' error handling, as written there, in apps of their own: for the Traps section.

Never imported by the package; the page imports this module and builds the apps with
``traps.notes_app()`` and ``traps.notes_prefix_app()``.
"""

from flask import Flask, abort, jsonify, render_template, request


def notes_app():
    from . import InvalidAPIUsage  # the fixed class: the view's own bugs are the point

    # The notes' 405.html lives in a folder of its own: the lesson's app never renders it.
    app = Flask(__name__, template_folder="templates/notes")
    app.config["TESTING"] = True

    # --8<-- [start:notes_handlers]
    @app.errorhandler(404)
    def resource_not_found(e):
        return jsonify(error=str(e)), 404

    @app.errorhandler(405)
    def method_not_allowed(e):
        # if a request has the wrong method to our API
        if request.path.startswith("/api/"):
            # we return a json saying so
            return jsonify(message="Method Not Allowed"), 405
        else:
            # otherwise we return a generic site-wide 405 page
            return render_template("405.html"), 405

    @app.route("/cheese")
    def get_one_cheese():
        abort(404, description="Resource not found")

    # --8<-- [end:notes_handlers]

    # --8<-- [start:notes_user_api]
    @app.route("/api/user")
    def user_api(user_id):
        user_id = request.arg.get("user_id")
        if not user_id:  # pragma: no cover - never reached: the line above always fails
            raise InvalidAPIUsage("No user id provided!")
        return jsonify(user_id=user_id)  # pragma: no cover

    # --8<-- [end:notes_user_api]

    @app.post("/api/items")
    def add_item():
        return jsonify(added=True), 201

    return app


def notes_prefix_app():
    """The notes' other form: one handler for 404 and 405, split by URL prefix."""
    app = Flask(__name__)
    app.config["TESTING"] = True

    # --8<-- [start:notes_prefix_handler]
    @app.errorhandler(404)
    @app.errorhandler(405)
    def _handle_api_error(ex):
        if request.path.startswith("/api/"):
            return jsonify(error=str(ex)), ex.code
        else:
            return ex

    # --8<-- [end:notes_prefix_handler]

    @app.post("/api/items")
    @app.post("/cheese")
    def add():
        return "added\n", 201

    return app
