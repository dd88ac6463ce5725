#!/usr/bin/env python3
"""Thin entry point: ``python build.py pdf|pptx|poster|all|check|watch`` (see --help)."""

import sys
from pathlib import Path

from coursepress.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
