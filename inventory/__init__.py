"""The inventory: tables, row types, database access, views, errors and the shared vocabulary.

The bottom floor: it imports nothing of ours, and everything else may import it.
"""
