"""dbset-fn: a KRM function that gives every app its own CloudNativePG database."""

__version__ = "0.1.0"
