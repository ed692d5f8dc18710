"""What one DatabaseSet entry becomes: each generated kind is shaped in its own module."""

from .database import database_for
from .external_secret import credentials_secret_name, external_secret_for
from .role import managed_role_for

__all__ = ["credentials_secret_name", "database_for", "external_secret_for", "managed_role_for"]
