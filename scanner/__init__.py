"""Wolkenwacht, the application: CLI, config, register, scan orchestration and the demo."""
