"""The spec: a typed, validated description of the project to scaffold."""

from octoscaffold.spec.io import dump_spec, load_spec, spec_from_data, spec_from_text
from octoscaffold.spec.model import API_VERSION, ProjectSpec

__all__ = ["API_VERSION", "ProjectSpec", "dump_spec", "load_spec", "spec_from_data", "spec_from_text"]
