"""The ``bulletin-search`` command line: validates arguments, calls one library function, reports.

Exit status (docs/interface.md): 0 success; 1 some input was refused (the rest was still done); 2 bad usage.
Every refusal is one line on stderr naming the file and the reason.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys

from .search.backends import ENGINES
from .search.params import PARAMETERS
from .search.store import default_index_dir

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)


def _memory_size(text: str) -> int:
    """``1G``, ``1GB``, ``512M``, ``512`` (megabytes), ``0`` (no limit): a number of bytes."""
    m = _SIZE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not an amount of memory: {text!r} (say 1G or 512M)")
    unit = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "": 1 << 20}[m.group(2).lower()]
    return int(float(m.group(1)) * unit)


def _say(line: str) -> None:
    """One line on stderr; any file name in it shown safely (names.printable)."""
    from .names import printable

    print(printable(line), file=sys.stderr)


def _print_refusal(refusal) -> None:
    _say(f"refused: {refusal}")


def cmd_parse(args: argparse.Namespace) -> int:
    from .parsing.model import RefusedInput
    from .parsing.parser import parse_file
    from .parsing.render import bulletin_as_text, lines_as_text

    try:
        bulletin = parse_file(args.file)
    except RefusedInput as refusal:
        _print_refusal(refusal)
        return EXIT_REFUSED
    if args.format == "json":
        shown = bulletin.to_dict()
        if args.explain:
            shown["lines"] = [placement.to_dict() for placement in bulletin.lines]
        json.dump(shown, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(bulletin_as_text(bulletin))
        if args.explain:
            sys.stdout.write(lines_as_text(bulletin))
    for warning in bulletin.warnings:
        _say(f"warning: {args.file}: {warning}")
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    from .names import printable
    from .progress import progress_for_terminal
    from .search.indexing import index_paths

    missing = [p for p in args.paths if not os.path.exists(p)]
    for path in missing:
        _say(f"refused: {path}: no such file or folder")
    bar = progress_for_terminal(sys.stderr)
    on_refused = (lambda refusal: bar.print_line(printable(f"refused: {refusal}"))) if bar else _print_refusal

    def on_warning(path: str, warning: str) -> None:
        line = f"warning: {path}: {warning}"
        bar.print_line(printable(line)) if bar else _say(line)

    try:
        report = index_paths(
            [p for p in args.paths if p not in missing],
            args.index_dir,
            rebuild=args.rebuild,
            prune=args.prune,
            time_limit=args.time_limit or None,
            memory_limit=args.memory_limit or None,
            progress=bar,
            on_refused=on_refused,
            on_warning=on_warning,
            engine_name=args.engine,
        )
    except OSError as failure:  # a full or read-only disk: the run was undone (indexing.py)
        _say(f"error: {args.index_dir}: {_write_failure(failure)}")
        return EXIT_REFUSED
    print(report.summary())
    return EXIT_REFUSED if (report.refused or missing) else EXIT_OK


def _write_failure(failure: OSError) -> str:
    """What a failed write of the index means for the user, in one line."""
    where = f" ({failure.filename})" if failure.filename else ""
    if failure.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (f"the disk is full{where}: {failure.strerror}. This run was undone and the index "
                "answers as before; free some space and run the command again")
    if failure.errno == errno.EROFS:
        return f"the disk is read-only{where}; nothing was changed"
    return (f"could not write the index{where}: {failure.strerror or failure}. This run was undone; "
            "the index answers as before")


def cmd_search(args: argparse.Namespace) -> int:
    from .parsing.render import results_as_text
    from .search.service import open_service, public_reply

    params = search_pairs(args)
    service = open_service(args.index_dir)
    reply = service.search_params(params)
    if _nothing_to_read(service, args.index_dir, empty_is_an_error=not reply.get("notice")):
        return EXIT_REFUSED
    if reply.get("notice"):
        _say(f"warning: {reply['notice']}")
    if args.format == "json":
        json.dump(public_reply(reply), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(results_as_text(reply))
    return EXIT_OK


def _nothing_to_read(service, index_dir: str, empty_is_an_error: bool = True) -> bool:
    """Says why, when the index cannot be read or holds no bulletin yet: a script must not take
    that for "no matches" or "no issues"."""
    health = service.health()
    if health["status"] == "error":
        _say(f"error: {index_dir}: {health['problem']}")
        return True
    if empty_is_an_error and health["issues"] == 0:
        _say(f"error: the index in {index_dir} holds no bulletins yet; "
             "run `bulletin-search index PATH…` first")
        return True
    return False


def add_search_options(parser: argparse.ArgumentParser) -> None:
    """One option per search parameter of the table (``search.params.PARAMETERS``); the service
    checks the values, so the CLI and the API refuse the same things with the same words."""
    for param in PARAMETERS:
        if not param.cli_help:
            continue
        parser.add_argument(param.cli_flag, dest=param.cli_dest, help=param.cli_help,
                            action="append" if param.multi else "store",
                            metavar=param.cli_metavar, choices=param.choices or None)


def search_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The options given, as the (name, value) pairs a query string would hold."""
    pairs = [("q", " ".join(args.query))]
    for param in PARAMETERS:
        given = getattr(args, param.cli_dest, None) if param.cli_help else None
        values = given if isinstance(given, list) else [] if given is None else [given]
        pairs += [(param.name, str(value)) for value in values]
    return pairs


def cmd_issues(args: argparse.Namespace) -> int:
    from .parsing.render import issues_as_text
    from .search.params import check_year
    from .search.service import open_service

    year = check_year(args.year) if args.year else None  # a BadParameter: main() says it
    service = open_service(args.index_dir)
    if _nothing_to_read(service, args.index_dir):
        return EXIT_REFUSED
    issues = service.issues(year=year, kind=args.kind)
    if args.format == "json":
        json.dump({"issues": issues}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(issues_as_text(issues))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from .search import store
    from .search.engine import SCHEMA_VERSION
    from .search.stats import figures_csv, figures_reply, figures_text

    pairs = [(name, value) for name, value in (
        ("subject", args.subject), ("measure", args.measure), ("from", args.date_from),
        ("to", args.date_to), ("kind", args.kind), ("scope", args.scope)) if value is not None]
    # a bad value is a BadParameter, an unusable index an IndexProblem: main() says either
    gen = store.live_generation(args.index_dir)
    reply = figures_reply(gen, pairs)
    if gen is None:
        print(f"warning: there is no index in {args.index_dir} yet; "
              "run `bulletin-search index PATH…` first", file=sys.stderr)
    elif not reply["figures"] and store.generation_meta(gen).get("schema_version") != SCHEMA_VERSION:
        print(f"warning: the index in {args.index_dir} was built by another version and holds no "
              "figures: run `bulletin-search index --rebuild PATH…`", file=sys.stderr)
    if args.format == "json":
        json.dump(reply, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.format == "csv":
        sys.stdout.write(figures_csv(reply["figures"]))
    else:
        sys.stdout.write(figures_text(reply["figures"]))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from webapp.server import serve

    if args.prune and not args.watch:
        print("error: --prune applies to --watch folders; give --watch DIR", file=sys.stderr)
        return EXIT_USAGE
    missing = [d for d in args.watch or [] if os.path.exists(d) and not os.path.isdir(d)]
    if missing:
        _say(f"error: --watch {missing[0]}: not a folder")
        return EXIT_USAGE
    limits = {name: getattr(args, name) for name in ("connection_limit", "channel_timeout")
              if getattr(args, name) is not None}  # unset: the server's own defaults
    serve(index_dir=args.index_dir, host=args.host, port=args.port, threads=args.threads,
          watch=args.watch, prune=args.prune, extra_hosts=args.allowed_host or (), **limits)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo.archive import write_demo_archive

    written = write_demo_archive(args.folder, issues=args.issues, seed=args.seed,
                                 formats=tuple(args.formats.split(",")), layouts=not args.plain_layouts)
    print(f"wrote {written} bulletin files to {args.folder}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletin-search",
        description="Full-text search over the bulletins of the Sichuan government service center.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("parse", help="parse one bulletin (.pdf or .txt) and print it; indexes nothing")
    p.add_argument("file")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.add_argument("--explain", action="store_true",
                   help="also list every line of the file with the section it went to, or why it is no content "
                        "(masthead, header block, running header/footer, page number, distribution block)")
    p.set_defaults(run=cmd_parse)

    p = commands.add_parser("index", help="add every .pdf/.txt under the paths to the index")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--index-dir", default=default_index_dir(),
                   help="where the index lives (default: $BULLETIN_INDEX_DIR or index_data)")
    p.add_argument("--rebuild", action="store_true", help="build a fresh index beside the live one, then swap")
    p.add_argument("--prune", action="store_true", help="drop issues whose files are gone")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="search engine of the index: whoosh (default for a new index) or tantivy; "
                        "default: $BULLETIN_ENGINE, else the existing index's; another engine rebuilds")
    from .parsing.reading import READ_MEMORY_LIMIT, READ_TIME_LIMIT

    p.add_argument("--time-limit", type=_seconds, default=READ_TIME_LIMIT, metavar="SECONDS",
                   help="refuse a file still being read after this long, and go on "
                        f"(default {READ_TIME_LIMIT:g}; 0: no limit)")
    p.add_argument("--memory-limit", type=_memory_size, default=READ_MEMORY_LIMIT, metavar="SIZE",
                   help="refuse a file that needs more memory than this to read, and go on "
                        f"(e.g. 1G, 512M; default {READ_MEMORY_LIMIT >> 30}G; 0: no limit)")
    p.set_defaults(run=cmd_index)

    p = commands.add_parser("search", help="search the index")
    p.add_argument("query", nargs="*", help="words, \"phrases\", -excluded, A OR B")
    add_search_options(p)
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.add_argument("--index-dir", default=default_index_dir())
    p.set_defaults(run=cmd_search)

    p = commands.add_parser("issues", help="list the indexed issues, newest first")
    p.add_argument("--year", help="only the issues of this year (YYYY)")
    p.add_argument("--kind", choices=("周报", "月报"))
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.add_argument("--index-dir", default=default_index_dir())
    p.set_defaults(run=cmd_issues)
    p = commands.add_parser("stats", help="the 办件 figures read from the indexed bulletins")
    p.add_argument("--subject", help="e.g. 行政许可事项, 综合窗口, 电话咨询")
    p.add_argument("--measure", help="e.g. 受理, 办结, 咨询")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="periods ending on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="periods ending on or before")
    p.add_argument("--kind", choices=("周报", "月报"))
    p.add_argument("--scope", choices=("本周", "本月", "今年以来", "期间"),
                   help="per period, or cumulative since 1 January (今年以来)")
    p.add_argument("--format", choices=("json", "csv", "text"), default="text")
    p.add_argument("--index-dir", default=default_index_dir())
    p.set_defaults(run=cmd_stats)

    p = commands.add_parser("serve", help="serve the web front-end with a production WSGI server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8, help="requests answered at once (default 8)")
    p.add_argument("--connection-limit", type=int,
                   help="open connections accepted at once, idle or slow ones included (default 1000)")
    p.add_argument("--channel-timeout", type=int, metavar="SECONDS",
                   help="close a connection silent for this long (default 30)")
    p.add_argument("--allowed-host", action="append", metavar="NAME",
                   help="a host name people reach the server by, besides --host and localhost "
                        "(repeatable; a request naming any other gets 400)")
    p.add_argument("--index-dir", default=default_index_dir())
    p.add_argument("--watch", nargs="+", action="extend", metavar="DIR",
                   help="index new and changed .pdf/.txt files under DIR while serving")
    p.add_argument("--prune", action="store_true",
                   help="with --watch: drop the issues of files removed from the folders")
    p.set_defaults(run=cmd_serve)

    p = commands.add_parser("demo", help="write a synthetic demo archive (our own generated bulletins)")
    p.add_argument("folder")
    p.add_argument("--issues", type=int, default=60, help="how many issues (default 60)")
    p.add_argument("--seed", type=int, default=2014)
    p.add_argument("--formats", default="pdf,txt", help="comma-separated: pdf, txt (default both)")
    p.add_argument("--plain-layouts", action="store_true",
                   help="lay out every PDF plainly (by default some get running headers, footnotes, a page "
                        "ending early, or a scanned page that indexing reads by OCR)")
    p.set_defaults(run=cmd_demo)
    return parser


def _is_excluded_word(arg: str) -> bool:
    """`-应急厅`, `－应急厅`, `-"上门服务"`: an excluded word of a search, not an unknown option."""
    return len(arg) > 1 and arg[0] in "-－" and not (arg[1].isascii() and arg[1].isalpha()) \
        and arg[1] != "-"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if getattr(args, "command", None) == "search" and all(map(_is_excluded_word, unknown)):
            args.query += unknown
        else:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")  # exits with status 2
    from .search.errors import BadParameter, IndexBusy, IndexProblem

    try:
        return args.run(args)
    # The one place a problem becomes its line and exit status: a bad parameter is bad usage; an
    # index that cannot be used is a refusal (said with the folder it is about), never a traceback.
    except BadParameter as bad:
        _say(f"error: {bad}")
        return EXIT_USAGE
    except IndexBusy as busy:  # its message names the folder already
        _say(f"error: {busy}")
        return EXIT_REFUSED
    except IndexProblem as problem:
        _say(f"error: {getattr(args, 'index_dir', '')}: {problem}")
        return EXIT_REFUSED
    except BrokenPipeError:
        # `bulletin-search search … | head`: the reader left; that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
