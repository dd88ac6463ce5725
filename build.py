#!/usr/bin/env python3
"""Thin entry point: ``python build.py pdf|pptx|poster|all|check|watch`` (see --help)."""

from pathlib import Path

from coursepress.cli import exit_now, main

if __name__ == "__main__":
    exit_now(main(default_root=Path(__file__).resolve().parent, prog="build.py"))
