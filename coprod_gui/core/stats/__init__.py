"""Statistics: levels, indices, the design matrix and the models by family, and the
analysis run that ties them together (DESIGN.md §4, §7)."""
