"""The notes' error handling, as written there, in an app of its own: for the Traps section.

Never imported by the package; the page imports this module and builds the app with
``traps.notes_app()``.
"""

from flask import Flask, abort, jsonify, request


def notes_app():
    from . import InvalidAPIUsage  # the fixed class: the view's own bugs are the point

    app = Flask(__name__)
    app.config["TESTING"] = True

    # --8<-- [start:notes_handlers]
    @app.errorhandler(404)
    def resource_not_found(e):
        return jsonify(error=str(e)), 404

    @app.errorhandler(405)
    def method_not_allowed(e):
        if request.path.startswith("/api/"):
            return jsonify(message="Method Not Allowed"), 405
        return "Method Not Allowed", 405

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
