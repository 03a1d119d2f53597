"""Organisation defaults: the `[defaults]` table of the settings files (octoscaffold.settings).

A team writes once what every project of theirs uses (space, lifecycle and environments, worker
pool, accounts, feeds, approval team, scanner image, notification target); `plan` and `new` apply
it before the prompt is read into a spec, so the prompt and the flags still win. Each value
applied is recorded in the spec's `sources` (field path → the file it came from), and the CLI
says so on stderr. The repository's `.octoscaffold.toml` wins over the user config, value by value.

```toml
[defaults]
space = "Platform"
lifecycle = "Standard"
environments = ["Dev", "Test", "Prod"]
worker_pool = "linux-workers"
approval_team = "release-managers"
scanner_image = "registry.example.com/aquasecurity/trivy:0.69.3"
sbom = "image"

[defaults.feeds]          # the kinds' feed parameters, where a kind has one
packages = "artifactory"  # feed
images = "acme-registry"  # image_feed
sbom = "artifactory"      # sbom_feed
charts = "acme-charts"    # chart_feed

[defaults.accounts.aws]   # account slugs per environment class (settings.accounts)
nonproduction = "aws-dev"
production = "aws-prod"

[defaults.notification]
channel = "email"
to = ["platform@example.com"]
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from octoscaffold.errors import UserError

# key of [defaults] → spec field path (a string value unless listed below)
SCALARS = {
    "space": "project.space",
    "group": "project.group",
    "lifecycle": "lifecycle.name",
    "worker_pool": "settings.worker_pool",
    "approval_team": "approval.team",
    "scanner_image": "security_scan.scanner_image",
    "sbom": "security_scan.sbom",
}
LISTS = {"environments": "lifecycle.environments"}
FEEDS = {"packages": "feed", "images": "image_feed", "sbom": "sbom_feed", "charts": "chart_feed", "releases": "releases_feed"}
CLOUDS = ("aws", "azure", "gcp")
CLASSES = ("nonproduction", "production")
NOTIFICATION = {"channel": str, "to": list, "teams": list}
TABLES = ("feeds", "accounts", "notification")
KNOWN = sorted([*SCALARS, *LISTS, *TABLES])


@dataclass(frozen=True)
class Default:
    path: str  # a spec field path, e.g. "project.space" or "parameters.image_feed"
    value: Any
    origin: str  # "repository .octoscaffold.toml" or "user config"


def organisation_defaults(start: Path | None = None, env: Mapping[str, str] | None = None) -> list[Default]:
    """The defaults of the repository's file and the user config; the repository's win."""
    from octoscaffold.settings import find_repository_config, read_table, user_config_path

    chosen: dict[str, Default] = {}
    user_path = user_config_path(env)
    for path, origin in ((user_path, "user config"), (find_repository_config(start), "repository .octoscaffold.toml")):
        for default in read_defaults(path, read_table(path, "defaults"), origin):
            chosen[default.path] = default
    return list(chosen.values())


def read_defaults(path: Path | None, table: dict[str, Any], origin: str) -> list[Default]:
    """The `[defaults]` table of one file as spec paths; an unknown key or a wrong type is an error naming the file."""
    from octoscaffold.inputs import printable
    from octoscaffold.spec.model import IMAGE_REFERENCE

    where = printable(path) if path is not None else origin

    def fail(message: str) -> UserError:
        return UserError(f"{where}: [defaults] {message}", hint=f"known keys: {', '.join(KNOWN)} (docs/cli.md, Settings files)")

    def text(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a non-empty string (got {value!r})")
        if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise fail(f"{key} holds a control character ({printable(value)[:60]})")
        if key == "scanner_image" and not IMAGE_REFERENCE.fullmatch(value.strip()):
            raise fail(f"scanner_image {printable(value)[:60]!r} is not a container image reference")
        return value.strip()

    def texts(key: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key} must be a list of non-empty strings (got {value!r})")
        return [text(key, v) for v in value]

    def subtable(key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(f"{key} must be a table ([defaults.{key}])")
        return value

    found: list[Default] = []
    for key, value in table.items():
        if key in SCALARS:
            found.append(Default(SCALARS[key], text(key, value), origin))
        elif key in LISTS:
            found.append(Default(LISTS[key], texts(key, value), origin))
        elif key == "feeds":
            for kind, feed in subtable(key, value).items():
                if kind not in FEEDS:
                    raise fail(f"unknown feed {kind!r} in [defaults.feeds] (known: {', '.join(FEEDS)})")
                found.append(Default(f"parameters.{FEEDS[kind]}", text(f"feeds.{kind}", feed), origin))
        elif key == "accounts":
            for cloud, classes in subtable(key, value).items():
                if cloud not in CLOUDS:
                    raise fail(f"unknown cloud {cloud!r} in [defaults.accounts] (known: {', '.join(CLOUDS)})")
                for environment_class, name in subtable(f"accounts.{cloud}", classes).items():
                    if environment_class not in CLASSES:
                        raise fail(f"unknown environment class {environment_class!r} in [defaults.accounts.{cloud}] "
                                   f"(known: {', '.join(CLASSES)})")
                    found.append(Default(f"settings.accounts.{cloud}.{environment_class}",
                                         text(f"accounts.{cloud}.{environment_class}", name), origin))
        elif key == "notification":
            for field, item in subtable(key, value).items():
                if field not in NOTIFICATION:
                    raise fail(f"unknown key {field!r} in [defaults.notification] (known: {', '.join(NOTIFICATION)})")
                read = texts if NOTIFICATION[field] is list else text
                found.append(Default(f"notification.{field}", read(f"notification.{field}", item), origin))
        else:
            raise fail(f"unknown key {key!r}")
    return found


def apply_defaults(data: dict[str, Any], defaults: list[Default], parameters: set[str]) -> list[Default]:
    """Fill the fields the prompt and the flags left unset (`data` is what they set); a
    parameter default applies only to a kind with that parameter (`parameters`). The defaults
    applied are recorded in `data["sources"]` and returned."""
    applied: list[Default] = []
    for default in defaults:
        parts = default.path.split(".")
        if parts[0] == "parameters" and parts[1] not in parameters:
            continue
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            if parts[-1] in target:
                continue  # the prompt or a flag said it
            if default.path == "approval.team" and data.get("approval", {}).get("enabled") is False:
                continue
            target[parts[-1]] = default.value
            data.setdefault("sources", {})[default.path] = default.origin
            applied.append(default)
    return applied
