"""Lesson 12 - streaming downloads: send_file and send_from_directory, conditional and
Range requests, generators, and file names that never leave the download folder."""

import os

import click
from flask import (
    Flask,
    abort,
    render_template,
    request,
    send_file,
    send_from_directory,
    stream_with_context,
)
from werkzeug.security import safe_join

SAMPLES = {
    "report.csv": "year,sales\n2023,120\n2024,200\n",
    "notes.txt": "Downloads are served from one folder, and only from there.\n",
}


# --8<-- [start:squares]
def squares():
    """CSV rows n,n*n for n up to ?rows= (at most 1000), made one at a time."""
    count = min(request.args.get("rows", 3, type=int), 1000)
    yield "n,square\n"
    for n in range(1, count + 1):
        yield f"{n},{n * n}\n"


# --8<-- [end:squares]


def create_app(test_config=None):
    # Every lesson is a top-level package in examples/, where Flask's default instance folder
    # (next to the package) would be examples/instance, shared by all: each keeps its own.
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(__file__), "instance"))
    app.config.from_mapping(
        DOWNLOAD_FOLDER=os.path.join(app.instance_path, "downloads"),
        TRAPS=False,
    )
    if test_config is None:
        app.config.from_prefixed_env()  # FLASK_DOWNLOAD_FOLDER=/srv/files
    else:
        app.config.from_mapping(test_config)  # a test reads nothing from the machine
    # Absolute once, here: send_file would take a relative path from app.root_path.
    folder = os.path.abspath(app.config["DOWNLOAD_FOLDER"])

    # --8<-- [start:init]
    # flask --app examples/12_streaming_downloads init: the folder and two files to try.
    # The factory writes nothing: building an app (tests, `flask routes`) leaves disks alone.
    @app.cli.command("init")
    def init():
        os.makedirs(folder, exist_ok=True)
        for name, text in SAMPLES.items():
            path = os.path.join(folder, name)
            if os.path.exists(path):  # never overwrite a real file of the same name
                click.echo(f"kept {path}")
                continue
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            click.echo(f"wrote {path}")

    # --8<-- [end:init]

    # --8<-- [start:files]
    # Any file in the folder, inline: the browser shows it if it can display the type, and
    # saves it if not (Chromium shows notes.txt, but saves report.csv, text/csv, as a file).
    # send_from_directory refuses every name that would leave the folder (404), and
    # answers ETag, Last-Modified and Range requests.
    @app.get("/files/<path:name>")
    def files(name):
        return send_from_directory(folder, name)

    # The same, saved by the browser: Content-Disposition: attachment.
    @app.get("/download/<path:name>")
    def download(name):
        return send_from_directory(folder, name, as_attachment=True)

    # One known file under another name, non-ASCII included, with its type given.
    # send_file trusts its path: a missing file would be a 500, so check first.
    @app.get("/report")
    def report():
        path = os.path.join(folder, "report.csv")
        if not os.path.isfile(path):
            abort(404)
        return send_file(
            path,
            as_attachment=True,
            download_name="年度报告 2024.csv",
            mimetype="text/csv",
        )

    # --8<-- [end:files]

    # --8<-- [start:generators]
    # A file sent in chunks by a generator: little memory, but no Content-Length, no ETag,
    # no Range. Use it for data you produce as you go, not for files (send_file does more).
    @app.get("/stream/<path:name>")
    def stream(name):
        path = safe_join(folder, name)
        if path is None or not os.path.isfile(path):
            abort(404)

        def chunks():
            with open(path, "rb") as f:
                while chunk := f.read(1024 * 1024):  # 1 MiB at a time
                    yield chunk

        return app.response_class(chunks(), mimetype="application/octet-stream")

    # Rows made on the fly, after the view has returned: squares() reads request.args
    # only because stream_with_context keeps the request context for it.
    @app.get("/export")
    def export():
        return app.response_class(stream_with_context(squares()), mimetype="text/csv")

    # --8<-- [end:generators]

    # The index: a link to every page, and the command to run first (templates/index.html).
    @app.get("/")
    def index():
        return render_template("index.html")

    if app.config["TRAPS"]:
        from .traps import register_traps

        register_traps(app, folder)
    return app
