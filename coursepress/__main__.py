"""``python -m coursepress``: the same command line as the ``coursepress`` console script."""

from .cli import run

if __name__ == "__main__":
    run()
