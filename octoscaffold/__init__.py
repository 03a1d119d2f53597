"""octoscaffold: turn a sentence into an Octopus Deploy Config-as-Code project."""

__version__ = "0.1.0"
