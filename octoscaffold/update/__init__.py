"""Keep scaffolded projects current with the catalog: provenance, merge, update."""
