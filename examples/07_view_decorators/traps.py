"""The study notes' versions, WRONG on purpose. Registered only when TRAPS=True."""

from functools import wraps

from flask import current_app, g, request

from .decorators import login_required


# --8<-- [start:cached_by_path]
def cached_by_path(timeout=5 * 60, key="view/{}"):
    """The notes' caching decorator: the key is request.path alone."""

    def decorator(f):
        @wraps(f)
        def decorated_function(*args, **kwargs):
            cache = current_app.extensions["view_cache"]
            cache_key = key.format(request.path)  # WRONG: no query string, no user
            rv = cache.get(cache_key)
            if rv is not None:
                return rv
            rv = f(*args, **kwargs)
            cache.set(cache_key, rv, timeout=timeout)
            return rv

        return decorated_function

    return decorator


# --8<-- [end:cached_by_path]


def register_traps(app):
    # --8<-- [start:wrong_order]
    # WRONG: @app.route registers the function it is given, here the bare view,
    # and @login_required wraps it afterwards, too late: the page is open to anyone.
    @login_required
    @app.get("/traps/secret")
    def traps_secret():
        return "the secret page\n"

    # --8<-- [end:wrong_order]

    # --8<-- [start:trap_views]
    # WRONG: a personal page behind the notes' cache: the first user's page is served to all.
    @app.get("/traps/dashboard")
    @login_required
    @cached_by_path()
    def traps_dashboard():
        return f"{g.user['name']}'s dashboard\n"

    # WRONG: ?page=2 gets whatever page was cached first.
    @app.get("/traps/report")
    @cached_by_path()
    def traps_report():
        return f"report page {request.args.get('page', 1, type=int)}\n"

    # --8<-- [end:trap_views]
