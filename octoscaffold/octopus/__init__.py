"""Talking to a live Octopus Deploy server (see client.py)."""
