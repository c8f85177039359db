"""BOMCA Programme Information System."""

__version__ = "0.1.0"
