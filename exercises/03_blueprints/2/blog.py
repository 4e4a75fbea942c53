"""A parent blueprint with a child: prefixes and endpoint names combine."""

from flask import Blueprint, request, url_for

# --8<-- [start:nested]
parent = Blueprint("blog", __name__, url_prefix="/blog")
child = Blueprint("comments", __name__, url_prefix="/comments")


# The parent's own view: its endpoint is "blog.index" (or "news.index", registered again).
@parent.get("/")
def index():
    return {"endpoint": request.endpoint, "comments_url": url_for(".comments.latest")}


# The child's view: "blog.comments.latest", URL /blog/comments/latest.
@child.get("/latest")
def latest():
    return {"endpoint": request.endpoint, "self": url_for(".latest")}


parent.register_blueprint(child)  # nested: the parent replays it when it is registered

# --8<-- [start:solution]
# Exercise 03-2: a second child, "tags": /blog/tags/ is "blog.tags.index".
tags = Blueprint("tags", __name__, url_prefix="/tags")


@tags.get("/")
def tag_index():
    return {"endpoint": request.endpoint, "self": url_for(".tag_index")}


parent.register_blueprint(tags)
# --8<-- [end:solution]
# --8<-- [end:nested]
