"""Lesson 10's logging setup: the notes' rotating file, a stderr stream, request details."""

import logging
import os
import time

from flask import g, has_request_context, request

# --8<-- [start:formats]
# The notes' format, plus the request id and client address that RequestFilter adds.
FILE_FORMAT = (
    "[%(asctime)s][%(filename)s:%(lineno)d][%(levelname)s][%(thread)d]"
    "[%(request_id)s %(remote_addr)s %(method)s %(path)s] - %(message)s"
)
# No time on stderr: journald, Docker or the terminal add their own.
STDERR_FORMAT = "%(levelname)s %(name)s [%(request_id)s %(remote_addr)s] %(message)s"


class UTCFormatter(logging.Formatter):
    """Write asctime in UTC. (utc=True on the handler moves the rollover, not this.)"""

    converter = time.gmtime


# --8<-- [end:formats]


# --8<-- [start:filter]
class RequestFilter(logging.Filter):
    """Add request_id, remote_addr, method and path to every record ("-" outside a request)."""

    def filter(self, record):
        # --8<-- [start:solution]
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            # Behind a proxy this is the proxy's address: use ProxyFix, never a raw
            # X-Forwarded-For header, which any client can send.
            record.remote_addr = request.remote_addr
            # Exercise 10-2: which URL the record is about. The path is the client's text:
            # repr() keeps a newline in it as \n, so it cannot forge a line of the log.
            record.method, record.path = request.method, repr(request.path)
        else:
            record.request_id = record.remote_addr = record.method = record.path = "-"
        # --8<-- [end:solution]
        return True  # False would drop the record


# --8<-- [end:filter]


# --8<-- [start:dictconfig]
def logging_config(app):
    """The dictConfig for this app: two handlers on the app's own logger."""
    if app.config["LOG_ROTATE"]:
        # One process: the notes' handler, a new file every midnight (UTC), 15 kept.
        file_handler = {
            "class": "logging.handlers.TimedRotatingFileHandler",
            "when": "midnight",
            "backupCount": 15,
            "utc": True,
        }
    else:
        # Several workers: nobody renames; logrotate moves the file, each worker reopens it.
        file_handler = {"class": "logging.handlers.WatchedFileHandler"}
    file_handler.update(
        filename=os.path.join(app.config["LOG_DIR"], "app.log"),
        encoding="utf-8",
        delay=True,  # open the file at the first record, not at startup
        formatter="file",
        filters=["request"],
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,  # keep loggers that modules already created
        "filters": {"request": {"()": RequestFilter}},
        "formatters": {
            "file": {"()": UTCFormatter, "fmt": FILE_FORMAT},
            "stderr": {"format": STDERR_FORMAT},
        },
        "handlers": {
            "file": file_handler,
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://flask.logging.wsgi_errors_stream",
                "formatter": "stderr",
                "filters": ["request"],
            },
        },
        # app.logger is logging.getLogger(app.name); module loggers below it inherit both.
        "loggers": {
            app.name: {"level": app.config["LOG_LEVEL"], "handlers": ["stderr", "file"]},
        },
    }


# --8<-- [end:dictconfig]
