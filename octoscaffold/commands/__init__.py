"""Click commands that live beside cli.py: each module imports only click at the top, so listing
them in `--help` costs nothing; the library they drive is imported when they run."""
