"""Connectors: one package per source, each yielding inventory rows from live APIs."""
