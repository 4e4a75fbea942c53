"""Register, log in, log out; the logged-in user is loaded before every request."""

import functools
import secrets

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")


# --8<-- [start:user]
# Before every request: g.user is the logged-in user's row, or None.
@bp.before_app_request
def load_logged_in_user():
    user_id = session.get("user_id")
    g.user = None
    if user_id is not None:
        g.user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


def login_required(view):
    """Send anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapped_view(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login"))
        return view(**kwargs)

    return wrapped_view


# --8<-- [end:user]


# --8<-- [start:register]
def form_error(template, message, **context):
    """Show the form again, the reason flashed above it: a 400, the client's mistake."""
    flash(message)
    return render_template(template, **context), 400


# Passwords are stored hashed (salted scrypt or pbkdf2), never as typed.
@bp.route("/register", methods=("GET", "POST"))
def register():
    if request.method == "GET":
        return render_template("auth/register.html")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username:
        return form_error("auth/register.html", "Username is required.")
    if not password:
        return form_error("auth/register.html", "Password is required.")
    db = get_db()
    try:
        with db:  # commit, or roll back if the INSERT fails
            db.execute(
                "INSERT INTO user (username, password) VALUES (?, ?)",
                (username, generate_password_hash(password)),
            )
    except db.IntegrityError:
        return form_error("auth/register.html", f"User {username} is already registered.")
    return redirect(url_for("auth.login"), code=303)  # 303: a reload does not resend the form


# --8<-- [end:register]


# --8<-- [start:login]
# Checked for names nobody registered: made once, the way register() hashes, from a password
# nobody knows. A wrong name then takes as long to refuse as a wrong password.
DUMMY_HASH = generate_password_hash(secrets.token_hex())


# One message, and the same time, for a wrong name or a wrong password: don't tell which
# names exist.
@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "GET":
        return render_template("auth/login.html")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:  # no account has either blank: refuse before hashing
        return form_error("auth/login.html", "Username and password are required.")
    user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
    stored = user["password"] if user else DUMMY_HASH
    if not check_password_hash(stored, password) or user is None:
        return form_error("auth/login.html", "Incorrect username or password.")
    session.clear()  # a fresh session on login
    session["user_id"] = user["id"]
    return redirect(url_for("blog.index"), code=303)


# Logging out changes state, so it is a POST: a link or an <img> cannot do it.
@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("blog.index"), code=303)


# --8<-- [end:login]
