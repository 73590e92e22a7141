"""Staff Social Media Self-Audit."""

__version__ = "0.1.0"
