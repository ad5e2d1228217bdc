"""Queue-polling workers sharing one poll loop (workers/loop.py)."""
