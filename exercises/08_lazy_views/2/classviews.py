"""Class-based views: the other way to keep views apart from the URL map."""

from flask import abort, jsonify, request
from flask.views import MethodView, View
from markupsafe import escape


# --8<-- [start:classviews]
class Greeting(View):
    """A View: dispatch_request answers; as_view's arguments configure each URL."""

    init_every_request = False  # one instance serves every request: keep no request data on self

    def __init__(self, word):
        self.word = word

    def dispatch_request(self, name):
        return f"{self.word}, {escape(name)}!\n"


class NoteList(MethodView):
    """A MethodView: one method per HTTP method; the rule's methods come from them."""

    init_every_request = False

    def __init__(self, store, limit):
        self.store = store  # stands in for a database: one list for every request
        self.limit = limit  # anyone may post, so the list must stop somewhere

    def get(self):
        return jsonify(notes=self.store)

    def post(self):
        data = request.get_json()  # 415 if the body is not JSON, 400 if it is broken JSON
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str) or not 0 < len(text) <= 200:
            abort(400, description='send a JSON object like {"text": "..."}, up to 200 characters')
        if len(self.store) >= self.limit:
            abort(409, description=f"the list is full: it keeps {self.limit} notes")
        self.store.append(text)
        return jsonify(id=len(self.store), text=text), 201

    # --8<-- [start:solution]
    def delete(self):
        """Exercise 08-2: empty the list. A new method, and the rule answers DELETE too."""
        self.store.clear()
        return "", 204

    # --8<-- [end:solution]


# --8<-- [end:classviews]
