"""Benchmarks for coursepress: ``python -m benchmarks [--runs N] [--quick] [--peers]``.

Every case runs whole ``build.py`` processes (fresh interpreter each time) on a
temporary copy of the project, after one untimed warm-up run, and reports the
median and spread (min–max) of wall-clock time and the peak RSS of the build
process tree. Results print as a table and are written as JSON under
``benchmarks/results/`` (``latest.json``, a timestamped file, and with
``--save-baseline`` the committed ``baseline.json``).

Peers (``--peers``, optional): Pandoc from ``pypandoc-binary`` and Typst from
the ``typst`` package (``pip install pypandoc-binary typst``); see peers.py.
"""
