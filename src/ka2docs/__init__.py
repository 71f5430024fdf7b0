"""ka2docs: a Local Area Agreement's paperwork, generated from its data.

The library is usable from Python without the CLI; each step is its own module:

    from ka2docs.data.load import load              # data/ -> DataSet (every dated row)
    from ka2docs.validate import validate      # cross-row rules as at a date
    from ka2docs.history import position, changes
    from ka2docs.build import build            # plan, render, swap into the output folder

The package itself imports nothing heavy, so `ka2docs --help` stays fast.
"""

__version__ = "0.1.0"
