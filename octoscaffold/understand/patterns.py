"""Pattern pieces several rule families share: how a prompt says "not"."""

from __future__ import annotations

import re


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


NEGATE = (
    r"(?:no|without|w/o|skip|skipping|drop|dropping|remove|removing|removal\s+of|disable|disabling|disabled|deactivate|deactivating"
    r"|deactivation\s+of|exclude|omit|nix|ditch|lose"
    r"|don'?t\s+(?:need|want|add|include|require|use)|do\s+not\s+(?:need|want|add|include|require|use)|no\s+need\s+for"
    r"|turn\s+off|switch\s+off|get\s+rid\s+of|leave\s+out|not|never|zero|none\s+of)"
)
OFF_AFTER = (
    r"\s*(?::|=|-)?\s*(?:is\s+|are\s+)?(?:off|disabled|no|none|false|not\s+needed|not\s+required|unnecessary|"
    r"isn'?t\s+needed|aren'?t\s+needed|can\s+be\s+skipped|skipped|removed|dropped)\b"
)
