"""A blueprint whose hooks run for its own requests only."""

from flask import Blueprint, current_app

bp = Blueprint("admin", __name__, url_prefix="/admin")


# --8<-- [start:admin]
# Only for requests that matched one of this blueprint's rules.
@bp.before_request
def admin_before_request():
    current_app.extensions["calls"].append("admin.before_request")


@bp.after_request
def admin_after_request(response):
    current_app.extensions["calls"].append(f"admin.after_request {response.status_code}")
    return response


@bp.get("/")
def dashboard():
    current_app.extensions["calls"].append("view")
    return "admin dashboard\n"


# --8<-- [end:admin]
