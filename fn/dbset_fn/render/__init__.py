"""What one DatabaseSet entry becomes: each generated kind is shaped in its own module,
and returned with what it claims (see kinds.py)."""

from .connection import Endpoint, Pooler
from .connection_secret import connection_secret_for
from .database import database_for
from .external_secret import app_credentials_for, role_credentials_for
from .password_generator import password_generator_for
from .rendered import Rendered
from .role import database_role_for, managed_role_for

__all__ = [
    "Endpoint",
    "Pooler",
    "Rendered",
    "app_credentials_for",
    "connection_secret_for",
    "database_for",
    "database_role_for",
    "managed_role_for",
    "password_generator_for",
    "role_credentials_for",
]
