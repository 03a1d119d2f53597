"""Publishing generated files: into a folder (folder.py), or for review on a git branch (git.py),
pushed and proposed as a pull request (forge.py, github.py, gitlab.py, body.py); review.py ties
the branch steps together."""
