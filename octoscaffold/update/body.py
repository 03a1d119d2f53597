"""The commit message and pull request text of an update."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).with_name("update_body.md.j2")


def versions(update) -> str:
    """`aws-lambda 1.0.0 → 1.1.0` (the old version is unknown for specs without provenance)."""
    old = update.old_version or "unknown version"
    if old == update.new_version:
        return f"{update.template} {update.new_version}"
    return f"{update.template} {old} → {update.new_version}"


def title(update) -> str:
    return f"Update Octopus project {update.name} to {update.template} {update.new_version} (octoscaffold)"


def commit_message(update) -> str:
    lines = [title(update), "", f"Template: {versions(update)}", f"Project folder: {update.base_path}",
             f"Spec: {update.spec_path}",
             f"Catalog changes applied: {len(update.applied)}; edits kept: {len(update.kept)}"]
    if update.markers:
        lines.append(f"Conflicts left as markers: {len(update.conflicts)} (these files do not parse until resolved)")
    return "\n".join(lines) + "\n"


def _rows(pairs) -> list[dict]:
    return [{"file": path, "where": change.path, "kind": change.kind, "base": change.base, "ours": change.ours,
             "theirs": change.theirs} for path, change in pairs]


def describe(update, changes, repository_url, branch, base) -> tuple[str, dict]:
    """(title, values for the body template)."""
    values = {
        "title": title(update),
        "name": update.name,
        "slug": update.slug,
        "base_path": update.base_path,
        "spec_path": update.spec_path,
        "versions": versions(update),
        "template": update.template,
        "old_version": update.old_version,
        "new_version": update.new_version,
        "files": [{"status": c.status, "path": c.path} for c in changes if c.status != " "],
        "practices": list(update.practices),
        "applied": _rows(update.applied),
        "kept": _rows(update.kept),
        "untouched": _rows(update.untouched),
        "conflicts": _rows(update.conflicts),
        "markers": update.markers,
        "unknown_base": list(update.unknown_base),
        "findings": [str(f) for f in update.findings],
        "branch": branch,
        "base": base,
        "repository_url": repository_url,
    }
    return values["title"], values
