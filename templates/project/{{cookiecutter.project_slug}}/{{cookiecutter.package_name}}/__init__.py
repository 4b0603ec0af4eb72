"""{{ cookiecutter.package_name }}: prepare -> train -> evaluate, configured by params.yaml."""
