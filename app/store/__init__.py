"""Keeping audits safe on disk: a SQLite file in the user's data folder."""
