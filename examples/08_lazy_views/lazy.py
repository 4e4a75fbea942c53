"""LazyView, as in the study notes: it still works with today's Werkzeug."""

from werkzeug.utils import cached_property, import_string


# --8<-- [start:lazyview]
class LazyView:
    """Stands in for a view function and imports the real one on its first call."""

    def __init__(self, import_name):
        # Flask names the endpoint after __name__ ("index" for "....views.index").
        self.__module__, self.__name__ = import_name.rsplit(".", 1)
        self.import_name = import_name

    @cached_property
    def view(self):
        return import_string(self.import_name)  # runs once, on the first request

    def __call__(self, *args, **kwargs):
        return self.view(*args, **kwargs)


# --8<-- [end:lazyview]
