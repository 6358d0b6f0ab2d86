"""Reporters: thin adapters turning diagnostics and graphs into text, JSON and tables."""
