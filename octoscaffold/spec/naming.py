"""Naming rules Octopus and its best practices expect.

- slugs: lowercase letters, digits and single hyphens, at most 50 characters;
- step names: letters, digits, spaces and `.,-_#` only (no brackets);
- variables: `Project.<Component>.<Name>`;
- target tags: `<project-slug>-<role>` in kebab-case;
- package reference names: `[A-Za-z0-9.,_#-]`, from the last segment of a package id.
"""

from __future__ import annotations

import re
import unicodedata

SLUG_MAX = 50
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_STEP_NAME_BAD = re.compile(r"[^\w .,#-]", re.UNICODE)
_PACKAGE_REF_BAD = re.compile(r"[^A-Za-z0-9.,_#-]+")
# Variable names that look like secrets: their values belong in Octopus as Sensitive, never in git.
SECRET_NAME = re.compile(r"password|secret|token|api\.?key|connectionstring|private\.?key", re.IGNORECASE)


def slugify(text: str) -> str:
    """`"OctoPub SAM"` → `"octopub-sam"`; accents are folded (`Café` → `cafe`)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rstrip("-")
    return slug


def is_slug(text: str) -> bool:
    return len(text) <= SLUG_MAX and bool(SLUG_RE.match(text))


def unique_slugs(names: list[str]) -> list[str]:
    """Slugs for names, made unique with a numeric suffix (`deploy`, `deploy-2`)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = slugify(name) or "step"
        count = seen.get(base, 0) + 1
        seen[base] = count
        out.append(base if count == 1 else f"{base}-{count}")
    return out


def step_name(text: str) -> str:
    """A step name Octopus accepts: brackets and other symbols become spaces."""
    return " ".join(_STEP_NAME_BAD.sub(" ", text).split())


def variable_name(component: str, *names: str) -> str:
    """`variable_name("AWS", "Region")` → `"Project.AWS.Region"`."""
    parts = [component, *names]
    cleaned = [re.sub(r"[^A-Za-z0-9]", "", p) for p in parts]
    if not all(cleaned):
        raise ValueError(f"empty variable name part in {parts!r}")
    return ".".join(["Project", *cleaned])


def target_tag(project_slug: str, role: str) -> str:
    """`target_tag("eshop", "Web API")` → `"eshop-web-api"`."""
    return slugify(f"{project_slug} {role}")


def package_reference(package_id: str) -> str:
    """Reference name for a package: last segment of the id (`octopussamples/app` → `app`)."""
    last = re.split(r"[/:]", package_id)[-1]
    return _PACKAGE_REF_BAD.sub("-", last).strip("-") or "package"
