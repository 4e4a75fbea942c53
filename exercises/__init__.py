"""Exercises: a small change a learner makes in a copy of a lesson's app, checked by blocks.

``python -m exercises check 07-1`` copies examples/07_view_decorators into
my/07-1/07_view_decorators/ the first time, then runs the blocks titled ``exercise 07-1``
on the lesson page against that copy. A reference solution for exercise 07-1 is in
exercises/07_view_decorators/1/: only the files it changes, laid over the lesson's app.
"""
