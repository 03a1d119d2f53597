"""The deployment failure analyzer behind `octoscaffold diagnose`.

```python
from octoscaffold.diagnose import read_log, diagnose, load_signatures

log = read_log("ServerTasks-123.log.txt")     # raw task log or task details JSON, streamed
diagnosis = diagnose(log, load_signatures())  # first failing step, likely cause, evidence
```

- `logs` turns a task log (raw text or the details JSON) into a tree of activities, keeping only a
  bounded window of lines per activity, so a 100 MB log is read with flat memory.
- `signatures` loads the failure signatures (YAML files in `_signatures/` of every catalog folder).
- `analyze` finds the first failure and matches the signatures against its lines.
- `project` ties a diagnosis to the project's OCL; `model` asks a model to explain it; `live`
  fetches a task from an Octopus server; `report` writes text, JSON or Markdown.

Nothing here prints or exits; `command` is the CLI.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "read_log": "logs",
    "parse_text": "logs",
    "parse_json": "logs",
    "TaskLog": "logs",
    "load_signatures": "signatures",
    "Signature": "signatures",
    "diagnose": "analyze",
    "Diagnosis": "analyze",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = list(_EXPORTS)
