"""Importing this package registers every rule (one module per family)."""

from . import process, project, structure, variables  # noqa: F401
