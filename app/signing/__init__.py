"""Signing identities, PAdES signatures and their verification. Never imported at start-up."""
