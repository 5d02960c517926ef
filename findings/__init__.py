"""Findings: derived facts, policy packs, the SQL engine that judges, and reports."""
