"""The project's package: prepare -> train -> evaluate, configured by params.yaml."""
