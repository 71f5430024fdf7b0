"""One module per file format; each imports its library lazily (ka2docs --help stays fast)."""
