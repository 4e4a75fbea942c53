"""For production servers: they do not read .env, so load it before creating the app.

gunicorn --pythonpath examples '13_cli_and_env.wsgi:app'   (from the folder with .env)
"""

# --8<-- [start:wsgi]
from flask.cli import load_dotenv

# Flask's own loader: .env and .flaskenv, found from the current folder up, as `flask`
# does; variables already set in the environment win. (python-dotenv's load_dotenv()
# starts its search from this file's folder instead.)
load_dotenv()

from . import create_app  # noqa: E402 - after load_dotenv, so create_app sees the values

app = create_app()
# --8<-- [end:wsgi]
