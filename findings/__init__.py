"""Findings: derived facts, policy packs and the SQL engine that judges inside the database."""
