"""dbset-fn: a KRM function that gives every app its own CloudNativePG database."""

__version__ = "0.2.0"
