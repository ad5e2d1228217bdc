"""Adapters for the ports: local_* (embedded default) and aws_* (cloud)."""
