"""Shared pieces every app may use: environment, base models, errors, periods."""
