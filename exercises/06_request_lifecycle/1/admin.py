"""A blueprint whose hooks run for its own requests only."""

from flask import Blueprint, g, request

bp = Blueprint("admin", __name__, url_prefix="/admin")


# --8<-- [start:admin]
# Only for requests that matched one of this blueprint's rules. The app's own
# before_request, which runs first, has started g.steps.
# --8<-- [start:solution]
@bp.before_request
def admin_before_request():
    g.steps.append("admin.before_request")
    # Exercise 06-1: staff only. Answering here stops the request before the view.
    if request.headers.get("X-Staff") != "yes":
        return "staff only\n", 403
    return None


# --8<-- [end:solution]


@bp.after_request
def admin_after_request(response):
    g.steps.append(f"admin.after_request {response.status_code}")
    return response


@bp.get("/")
def dashboard():
    g.steps.append("view")
    return "admin dashboard\n"


# --8<-- [end:admin]
