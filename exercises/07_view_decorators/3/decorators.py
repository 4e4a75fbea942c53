"""View decorators: a login check, a role check with an argument, a safe cache."""

import time
from functools import wraps

from flask import abort, current_app, g, make_response, redirect, request, url_for


# --8<-- [start:login_required]
def login_required(view):
    """Send anonymous users to the login page, with a way back."""

    @wraps(view)  # keeps view.__name__, so the endpoint is "dashboard", not "wrapper"
    def wrapper(*args, **kwargs):
        if g.user is None:
            back = request.full_path if request.query_string else request.path
            return redirect(url_for("login_form", next=back))
        return view(*args, **kwargs)

    return wrapper


# --8<-- [end:login_required]


# --8<-- [start:solution]
def api_login_required(view):
    """Exercise 07-3: for an API, a 401 in JSON; a redirect to a form would mean nothing."""

    @wraps(view)  # the endpoint stays the view's name
    def wrapper(*args, **kwargs):
        if g.user is None:
            return {"error": "sign in first"}, 401
        return view(*args, **kwargs)

    return wrapper


# --8<-- [end:solution]


# --8<-- [start:role_required]
def role_required(role):
    """A decorator with an argument is a function that returns a decorator."""

    def decorator(view):
        @wraps(view)
        @login_required  # anonymous: to the login page; signed in, wrong role: 403
        def wrapper(*args, **kwargs):
            if g.user["role"] != role:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


# --8<-- [end:role_required]


# --8<-- [start:safe_next]
def safe_next(target):
    """``target`` if it is a path on this site, such as ``/dashboard?x=1``, else None."""
    # Security: browsers read "\" as "/" and drop tabs and newlines, so refuse them outright.
    if not target or not target.isascii() or not target.isprintable() or "\\" in target:
        return None
    # One leading "/" and no second: no scheme, no host, so no other site. The Host header,
    # which the client writes, plays no part.
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


# --8<-- [end:safe_next]


# --8<-- [start:cache]
class TinyCache:
    """A dict with expiry, one per process. Lesson 11 does this with Flask-Caching."""

    def __init__(self, clock=time.monotonic, max_entries=1000):
        self.clock, self.max_entries, self.data = clock, max_entries, {}

    def get(self, key):
        value, expires = self.data.get(key, (None, 0))
        return value if self.clock() < expires else None

    def set(self, key, value, timeout):
        # Security: every new query string is a new key, so bound the memory it can take.
        if len(self.data) >= self.max_entries:
            del self.data[next(iter(self.data))]
        self.data[key] = (value, self.clock() + timeout)


def cached(timeout=60):
    """Cache a view's 200 responses per user and per full URL (query string included)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            cache = current_app.extensions["view_cache"]
            user = g.user["name"] if g.user else None
            key = (user, request.url)  # never the path alone: see Traps
            hit = cache.get(key)
            if hit is not None:
                response = current_app.response_class(hit[0], content_type=hit[1])
                response.headers["X-Cache"] = "HIT"
                return response
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200:
                cache.set(key, (response.get_data(), response.content_type), timeout)
            response.headers["X-Cache"] = "MISS"
            return response

        return wrapper

    return decorator


# --8<-- [end:cache]
