"""Command line: ``coursepress pdf|pptx|poster|all|check|watch|init`` (also ``python -m coursepress``
and ``python build.py``).

Exit codes: 0 success; 1 content or build errors (each reported with file and
line); 2 usage errors. Messages go to stderr; one summary line per output to stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn, Optional

from . import stop
from .collector import collector_paused
from .errors import BuildError, ContentError, ContentErrors, InternalError, ordered_warnings
from .warnmemory import WarningMemory
from .layout import LECTURES, SOURCE_FOLDERS, lecture_names, peek_course
from .writers import registry

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
POSTER_SIZES = ("A0", "A1", "A2", "A3", "A4")
NOTES_LAYOUTS = ("notes", "3up", "6up")          # the notes handout's layouts (schema.NotesSettings)
COMMANDS = ("all", "check", "watch", "init")       # besides one per registered writer
LAYOUTS = "handout layouts"     # a watch's kept layouts in its ``parsed`` dict (BuildSettings.layouts)


def kinds_of(command: str) -> list[str]:
    """The writers ``command`` runs: its own for a writer's name; every registered one for ``all`` and
    ``watch`` (then narrowed to course.yaml's ``outputs:``); none for ``check``."""
    if command in ("all", "watch"):
        return list(registry())
    return [command] if command in registry() else []


def targets_of(args) -> list[str]:
    """The writers the command line names: ``pdf pptx`` → both, in the order given (each once);
    otherwise :func:`kinds_of` the command."""
    if args.command in registry():
        return list(dict.fromkeys([args.command, *args.more]))
    return kinds_of(args.command)


def targets_problem(args) -> Optional[str]:
    """What is wrong with the words after the command (``init`` excepted), or None: only output names
    may follow an output's name; ``all``, ``check`` and ``watch`` take none."""
    writers = registry()
    for word in args.more:
        if word not in writers:
            return (f"unexpected argument '{word}': not an output ({', '.join(writers)}); "
                    "only init takes a folder (use --project DIR)")
        if args.command not in writers:
            return (f"'{args.command}' takes no output names; name the outputs instead ('coursepress {word} ...'), "
                    "or list them in course.yaml's outputs: and run 'all'")
    return None


def _out_path(text: str) -> Path:
    """``--out``'s value as a path; an empty one is refused (it would mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the output folder is empty; name one, for example --out dist")
    return Path(text)


def parser(prog: str = "coursepress") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Build the course handout (PDF), lecture deck (PPTX) and model poster (PDF) from content/.",
        epilog="exit codes: 0 success, 1 content or build errors (reported as file:line: message), 2 usage errors",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    writers = registry()
    defaults = ", ".join(name for name, w in writers.items() if w.default)
    p.add_argument("command", choices=[*writers, *COMMANDS],
                   help="; ".join(f"{name}: {w.description}" for name, w in writers.items()) +
                        f"; all: what course.yaml's outputs: lists (default {defaults}); "
                        "check: validate only; watch: rebuild on save; init [DIR]: start a new course")
    p.add_argument("more", nargs="*", metavar="TARGET",
                   help="further outputs built with the first, together (all or nothing): 'pdf pptx'; "
                        "init DIR: the folder for the new course (default: .)")
    p.add_argument("--project", type=Path, default=None,
                   help="project folder holding content/ (default: the current folder if it has content/, "
                        "else the nearest parent that has)")
    p.add_argument("--out", type=_out_path, default=None, help="output folder (default: PROJECT/dist)")
    p.add_argument("--lecture", metavar="NAME", help=f"build only this lecture (file stem in {LECTURES})")
    p.add_argument("--strict", action="store_true", help="treat warnings (missing glyphs, missing values) as errors")
    p.add_argument("--force", action="store_true", help="rebuild even if outputs are up to date")
    p.add_argument("--size", help="poster size: " + ", ".join(POSTER_SIZES))
    orientation = p.add_mutually_exclusive_group()   # argparse: both given → usage error, exit 2
    orientation.add_argument("--landscape", action="store_true", default=None, help="poster in landscape orientation")
    orientation.add_argument("--portrait", dest="landscape", action="store_false", help="poster in portrait orientation")
    p.add_argument("--print", dest="print_ready", action="store_true", help="poster with 3 mm bleed and crop marks")
    p.add_argument("--reference", type=Path, help="reference deck (.pptx master) to use instead of the default")
    p.add_argument("--layout", choices=NOTES_LAYOUTS,
                   help="notes handout: each slide beside its notes (notes), 3 a page with lines (3up), 6 a page (6up)")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="store_true", help="more detail; show tracebacks of internal errors")
    return p


def _say(args, text: str) -> None:
    if not args.quiet:
        print(text, flush=True)


# Every problem of a run is reported at once, but a file that is wrong throughout (a lecture in the
# wrong encoding of Markdown, a pasted table) would bury the rest: show this many per file.
MAX_ERRORS_PER_FILE = 50


def _report(exc: BaseException, verbose: bool = False, memory: Optional[WarningMemory] = None) -> None:
    """Print the problems of ``exc`` to stderr, one per line; an internal error as such (its traceback with -v);
    its warnings as :func:`_print_warnings` does with ``memory``."""
    errors = exc.errors if isinstance(exc, ContentErrors) else [exc]
    _print_warnings(getattr(exc, "warnings", []), memory)
    shown: dict[str, int] = {}
    for err in errors:
        if isinstance(err, InternalError):
            print(err.detail if verbose and err.detail else "", end="", file=sys.stderr)
            print(err, file=sys.stderr, flush=True)
            continue
        file = err.pos.file if isinstance(err, ContentError) else ""
        shown[file] = shown.get(file, 0) + 1
        if shown[file] <= MAX_ERRORS_PER_FILE:
            print(f"error: {err}", file=sys.stderr, flush=True)
    for file, count in shown.items():
        if count > MAX_ERRORS_PER_FILE:
            print(f"error: {file}: {count - MAX_ERRORS_PER_FILE} more problems not shown; fix the ones above first",
                  file=sys.stderr, flush=True)
    if isinstance(exc, ContentErrors) and len(errors) > 1:
        print(f"{len(errors)} problems; no output was changed", file=sys.stderr)


def _print_warnings(warnings, memory: Optional[WarningMemory] = None) -> None:
    """Print each distinct warning once, sorted by position; with a watch's ``memory``, only those it has not
    shown since their file last changed."""
    lines = ordered_warnings(warnings)
    for warning in memory.fresh(lines) if memory is not None else lines:
        print(f"warning: {warning}", file=sys.stderr)


def run_once(args, kinds: list[str], together: bool = True, parsed: Optional[dict] = None,
             memory: Optional[WarningMemory] = None) -> int:
    """Load, validate and build ``kinds``; returns an exit code.

    The outputs' fingerprints are taken before anything is read (see
    :func:`stamps.fingerprint`), and outputs sharing a file are refused
    before anything is loaded. ``together``: see :func:`pipeline.build`;
    ``parsed``: see :func:`load.load_project`. The warnings of the run (loading
    and every output's) are printed once each, sorted by file and line, after
    the outputs' lines; with the errors when the run fails on content. ``memory``
    (a watch's): warnings already shown are not printed again
    (:mod:`coursepress.warnmemory`).
    """
    found: list = []
    try:
        code = _run_once(args, kinds, together, parsed, found)
    except ContentErrors as exc:
        raise ContentErrors(exc.errors, [*found, *exc.warnings]) from exc
    except BaseException:
        _print_warnings(found, memory)
        raise
    _print_warnings(found, memory)
    return code


def _run_once(args, kinds: list[str], together: bool, parsed: Optional[dict], found: list) -> int:
    """:func:`run_once`, collecting warnings into ``found`` (strings or ContentErrors) instead of printing them."""
    from .project import locate
    from .targets import collisions, default_kinds, fingerprints, up_to_date
    from .writers import BuildSettings

    out_dir = (args.out or args.project.resolve() / "dist").resolve()
    settings = BuildSettings(out_dir=out_dir, strict=args.strict, poster_size=args.size,
                             poster_landscape=args.landscape, print_ready=args.print_ready,
                             reference=args.reference.resolve() if args.reference else None,
                             verbose=bool(getattr(args, "verbose", False)), notes_layout=args.layout,
                             layouts=parsed.setdefault(LAYOUTS, {}) if parsed is not None else None)
    project = locate(args.project, settings.reference)
    clash = collisions(project, settings)
    if clash:
        raise ContentErrors(clash)
    stamps = None
    wanted: list[str] = []
    names: list[str] = []
    if kinds:
        names = [n for n in project.lecture_names if args.lecture is None or n == args.lecture]
        stamps = fingerprints(project, kinds, settings, names)
        wanted = kinds
        if args.command in ("all", "watch"):
            peek = peek_course(project.root)
            enabled = peek.outputs if peek.outputs is not None or not peek.readable else default_kinds()
            wanted = [k for k in kinds if enabled is None or k in enabled]
        if not args.force:      # fast path: nothing to do, nothing loaded
            quick = up_to_date(project, wanted, settings, args.lecture, stamps)
            if quick is not None:
                for result in quick:
                    _summary(args, result, found)
                return EXIT_OK
    from .commit import state_problem
    from .overlap import load_warming, needing_work, worth_it
    from .targets import chosen_kinds

    note = state_problem(out_dir) if kinds else None
    if note:
        found.append(note)
    warm = needing_work(project, wanted, settings, names, stamps, args.force) if parsed is None and stamps else []
    from .writers.printplan import planner_for

    # images prepared for print from the load's decodes (a one-shot build; watch forks its builds)
    ahead = planner_for(kinds, project, args.lecture) if parsed is None else None
    if warm and worth_it(warm):         # a one-shot build: load on one core while the writers warm up on the other
        project, course, problems = load_warming(project, warm, strict=args.strict, lecture=args.lecture, ahead=ahead)
    else:
        from .load import load_project

        project, course, problems = load_project(project, strict=args.strict, lecture=args.lecture, parsed=parsed,
                                                 ahead=ahead)
    found.extend(problems.warnings)
    if not kinds:
        from .check import check_project
        _print_warnings(found)
        found.clear()
        warnings = len(problems.warnings) + check_project(project, course, settings)
        verdict = f"{warnings} warning(s), no errors" if warnings else "no problems found"
        _say(args, f"ok: {len(course.lectures)} lecture(s), {len(course.data.models)} model(s), {verdict}")
        return EXIT_OK

    kinds, notes = chosen_kinds(course, kinds, everything=args.command in ("all", "watch"))
    for note in notes:
        _say(args, note)
    from .pipeline import build

    build(project, course, kinds, settings, force=args.force, on_result=lambda result: _summary(args, result, found),
          together=together, stamps=stamps)
    return EXIT_OK


def _summary(args, result, found: list) -> None:
    """One stdout line per output (as soon as it is final); its warnings added to ``found``."""
    shown = result.path.relative_to(Path.cwd()) if result.path.is_relative_to(Path.cwd()) else result.path
    if result.kept is not None:
        print(f"note: {shown} was edited since it was built; your edited file is kept as {result.kept.name}",
              file=sys.stderr)
    if result.removed:
        _say(args, f"{shown}: removed (its lecture content/lectures/{result.job.lecture}.md is gone)")
        return
    if result.output is None:
        _say(args, f"{shown}: up to date")
        return
    found.extend(result.output.warnings)
    _say(args, f"{shown}: {result.output.summary}, {result.seconds:.2f} s")


def usage_problem(args) -> Optional[str]:
    """Check the command line against the project before anything is loaded; normalises
    ``--size`` (case) and ``--lecture`` (a trailing .md). Returns the problem, or None.

    An option that does not apply to the command (``pdf --size A3``) is a
    usage error rather than silently ignored."""
    writers = registry()
    given = [name for name, value in (("--size", args.size), ("--landscape/--portrait", args.landscape is not None),
                                      ("--print", args.print_ready), ("--reference", args.reference is not None),
                                      ("--layout", args.layout is not None))
             if value]
    chosen = [writers[k] for k in targets_of(args)] if args.command in writers else []
    named = " ".join(targets_of(args)) if chosen else args.command
    for option in given:
        owners = [name for name, w in writers.items() if option in w.options]
        if chosen and not any(option in w.options for w in chosen):
            what = f"a {writers[owners[0]].title.removeprefix('the ')} option" if owners else "an option"
            return (f"{option} is {what} and does not apply to '{named}'; "
                    f"use it with {' or '.join(repr(o) for o in owners + ['all'])}")
    whole = [name for name, w in writers.items() if w in chosen and not w.per_lecture]
    if args.lecture and whole:
        return f"--lecture does not apply to '{whole[0]}' (it covers the whole course)"
    if args.size:
        args.size = args.size.upper()
        if args.size not in POSTER_SIZES:
            return f"unknown poster size '{args.size}'; use one of {', '.join(POSTER_SIZES)}"
    if not (args.project / SOURCE_FOLDERS[0]).is_dir():
        return f"{args.project}: no content/ folder here; use --project DIR"
    problem = out_problem(args)
    if problem:
        return problem
    if args.reference is not None and not args.reference.is_file():
        return f"--reference {args.reference}: no such file; name a .pptx reference deck"
    if args.lecture:
        args.lecture = args.lecture.removesuffix(".md")
        names = lecture_names(args.project)
        if args.lecture not in names:
            return f"no lecture named '{args.lecture}' in {LECTURES}; lectures: {', '.join(names) or 'none'}"
    return None


def run() -> NoReturn:
    """The ``coursepress`` console script and ``python -m coursepress``."""
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once the standard streams are flushed, skipping interpreter teardown.

    ``build.py`` calls this after :func:`main`: every output is written and
    closed and every build process joined by then; what teardown would still
    do is free the layout's millions of objects one by one (≈ 0.25 s after a
    handout build) and run the exit hooks, of which this tool relies on one: the temporary cache folder of
    a build with no per-user cache (:func:`coursepress.cachedir.discard`) is removed here.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):      # a closed pipe: nothing more can be said
            pass
    from .cachedir import discard

    discard()                          # a temporary cache folder (no per-user cache) goes, as at a normal exit
    os._exit(code)


def out_problem(args) -> Optional[str]:
    """What is wrong with ``--out`` (and ``SOURCE_DATE_EPOCH``), or None.

    Refused: a file, and a folder inside ``content/``, ``templates/`` or
    ``assets/`` (``watch`` would see every output it writes as a change to the
    sources and rebuild for ever, and outputs would become inputs of the
    fingerprints). An empty ``--out`` is refused by :func:`_out_path`.
    """
    if args.out is not None:
        out = args.out.resolve()
        for name in SOURCE_FOLDERS:
            source = (args.project / name).resolve()
            if out == source or out.is_relative_to(source):
                return (f"--out {args.out} is inside the project's {name}/ folder, whose files are sources: outputs "
                        f"there would be read as sources (and watch would rebuild for ever); choose a folder outside "
                        f"{name}/, e.g. --out dist")
        if args.out.exists() and not args.out.is_dir():
            return f"--out {args.out} is a file, not a folder; name a folder for the outputs"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch != "":
        # PDF dates hold years 0000-9999 (ISO 32000-1 §7.9.4); 253402300799 is 9999-12-31T23:59:59Z
        if not epoch.isascii() or not epoch.isdigit() or int(epoch) > 253402300799:
            return (f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a time a PDF can hold; set it to whole seconds "
                    "since 1970-01-01 UTC before the year 10000 (e.g. $(date +%s)) or unset it")
    return None


def find_project(start: Path) -> Optional[Path]:
    """The folder holding ``content/``: ``start`` itself or its nearest parent that has one; None if none has."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if (folder / SOURCE_FOLDERS[0]).is_dir()), None)


def main(argv: Optional[list[str]] = None, default_root: Optional[Path] = None, prog: str = "coursepress") -> int:
    """Entry point; returns the exit code.

    ``default_root``: the project used when neither ``--project`` is given nor the current folder
    (or a parent) holds ``content/`` (``build.py`` passes its own folder, the example course).
    """
    args = parser(prog).parse_args(argv)
    stop.install()
    if args.command == "init":
        from .scaffold import init_course
        command = prog if default_root is None else f"python {default_root / prog} --project ."
        if len(args.more) > 1:
            print(f"error: unexpected argument '{args.more[1]}' (init takes one folder)", file=sys.stderr)
            return EXIT_USAGE
        return init_course(Path(args.more[0]) if args.more else Path.cwd(), command)
    problem = targets_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.project is None:
        args.project = find_project(Path.cwd()) or default_root
        if args.project is None:
            print(f"error: no course here: neither {Path.cwd()} nor a folder above it has a content/ folder; "
                  f"start one with '{prog} init DIR', or name one with --project DIR", file=sys.stderr)
            return EXIT_USAGE
    problem = usage_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "watch":
        from .watch import watch
        return watch(args, run_once)
    start = time.perf_counter()
    try:
        with collector_paused(keep_garbage=True):     # the process ends after a one-shot build (exit_now)
            code = run_once(args, targets_of(args))
    except (ContentErrors, ContentError, BuildError) as exc:
        _report(exc, args.verbose)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted: the outputs in the output folder are the last complete ones", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly, traceback only with -v
        if args.verbose:
            raise
        print(f"internal error: {type(exc).__name__}: {exc}; this is a bug, please report it "
              "(run with -v for details)", file=sys.stderr)
        return EXIT_CONTENT
    if args.verbose:
        print(f"total {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return code
