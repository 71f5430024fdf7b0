"""ka2docs: a Local Area Agreement's paperwork, generated from its data.

The library is usable from Python without the CLI:

    import ka2docs
    data = ka2docs.load("data")
    ka2docs.validate(data, as_at)
    ka2docs.position(data, as_at).status_counts()
    ka2docs.build("data", "output", "templates", as_at)
"""

__version__ = "0.1.0"

_EXPORTS = {
    "build": ".build",
    "changes": ".history",
    "position": ".history",
    "load": ".load",
    "validate": ".validate",
}


def __getattr__(name: str):
    # Imported on first use so that `ka2docs --help` loads nothing it does not need.
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(name)


__all__ = [*_EXPORTS, "__version__"]
