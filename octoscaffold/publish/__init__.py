"""Publishing generated files: to a folder (folder.py); later to git branches and pull requests."""
