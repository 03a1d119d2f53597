"""Understanding prompts: a sentence → a spec. The offline rules parser is the default."""

from octoscaffold.understand.rules import understand

__all__ = ["understand"]
