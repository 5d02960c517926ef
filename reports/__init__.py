"""Reports of a stored scan (HTML, JSON, CSV, CIO Rijk): they read only the database."""
