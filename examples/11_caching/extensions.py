"""The one Cache object of the app. Blueprints import it; create_app() binds it to the app."""

from flask_caching import Cache

# --8<-- [start:cache]
# No app and no config here: init_app() reads both from the app, per app.
cache = Cache()
# --8<-- [end:cache]
