"""Wolkenwacht: the scanner (CLI, config, register, inventory, scan orchestration)."""
