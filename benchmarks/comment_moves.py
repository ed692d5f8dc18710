"""Where should dbset-fn insert a new key so that `kpt fn render` leaves comments alone?

kpt writes an item a function edited back from its own parse, and copies the
original's comments onto it by where they hang (a key's head, line or foot comment).
Where a new key goes in the function's output decides which comments hang where, so
each choice is measured here on the whole corpus (tests/corpus/clusters.tsv): every
Cluster is rendered with `exec: dbset-fn` (a DatabaseSet with one database) with the
new keys put at each place, and the written file is compared line for line, comment
lines included, with a render by a function that changes nothing (`cat`).

    python benchmarks/comment_moves.py                 # every choice, a table
    python benchmarks/comment_moves.py --choices first # some choices only
    python benchmarks/comment_moves.py --files         # and each file's outcome

A choice names where each new key goes: `managed` in spec, `roles` in managed, the
record annotation in metadata.annotations, `annotations` in metadata. The script runs
itself as the exec function (`--as-function CHOICE`), dbset-fn with its insertion
replaced, so the function's own checks (values as meant, nothing else changed) hold.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1] / "tests"
RECORD = "dbset.krm.dev/managed-roles"


# Where a key goes in a block mapping ----------------------------------------------------


def _positions() -> dict[str, Callable[[str, Any, str], int]]:
    """Each way to pick the offset a new pair's lines go in at, in a block mapping."""
    from dbset_fn.krm import edits
    from dbset_fn.krm.yaml12 import line_start

    def last(text: str, mapping: Any, key: str) -> int:
        return edits._after_content(text, mapping)

    def first(text: str, mapping: Any, key: str) -> int:
        return line_start(text, mapping.value[0][0].start_mark.index)

    def top(text: str, mapping: Any, key: str) -> int:
        return above_comments(text, first(text, mapping, key))

    def after_first(text: str, mapping: Any, key: str) -> int:
        return edits._after_content(text, mapping.value[0][1])

    def before_last(text: str, mapping: Any, key: str) -> int:
        return line_start(text, mapping.value[-1][0].start_mark.index)

    def sorted_(text: str, mapping: Any, key: str) -> int:
        later = [k for k, _ in mapping.value if str(k.value) > key]
        return line_start(text, later[0].start_mark.index) if later else last(text, mapping, key)

    def above_comments(text: str, at: int) -> int:
        """Back over the comment lines and blank lines right above at."""
        while at:
            previous = line_start(text, at - 1)
            if text[previous:at].strip() and not text[previous:at].strip().startswith("#"):
                return at
            at = previous
        return at

    return {
        "last": last,
        "first": first,
        "top": top,
        "after-first": after_first,
        "before-last": before_last,
        "before-last-above": lambda t, m, k: above_comments(t, before_last(t, m, k)),
        "sorted": sorted_,
        "sorted-above": lambda t, m, k: above_comments(t, sorted_(t, m, k)),
    }


# What a choice places, in order: a key in its mapping, and a new role in the list
# (`last`: right after the last role's own lines; `below-comments`: below the comment
# lines after it).
KEYS = ("managed", "roles", RECORD, "annotations", "- name")


def parse_choice(choice: str) -> dict[str, str]:
    """`first` puts managed first and the others last; `first,last,first,first` says
    for each of KEYS."""
    places = choice.split(",")
    return dict(zip(KEYS, places + ["last"] * (len(KEYS) - len(places)), strict=True))


def run_as_function(choice: str) -> int:
    """dbset-fn, with each new key put where choice says."""
    from dbset_fn.cli import main
    from dbset_fn.krm import edits
    from dbset_fn.krm.yaml12 import ends_a_line

    positions, places, original = _positions(), parse_choice(choice), edits._insert_pair

    def insert_pair(
        text: str, mapping: Any, key: str, value: Any, style: Any, first: bool = False
    ) -> str:
        if mapping.flow_style or key not in places:
            return original(text, mapping, key, value, style, first)
        at = positions[places[key]](text, mapping, key)
        lines = edits._pair_lines(key, value, mapping.value[0][0].start_mark.column, style)
        if at == len(text) and not ends_a_line(text):
            lines = "\n" + lines
        return text[:at] + lines + text[at:]

    edits._insert_pair = insert_pair
    if places["- name"] == "last":  # right after the last element's own lines
        edits._below_trailing_comments = lambda text, end, key_column: end
    sys.argv = ["dbset-fn"]
    return main()


# Comparing a render with cat's -----------------------------------------------------------


def is_comment(line: str) -> bool:
    return line.strip().startswith("#")


def outcome(plain: str, rendered: str) -> tuple[str, int]:
    """How the file dbset-fn's render wrote differs from cat's, and how many of cat's
    comment lines are not where cat leaves them: `kept` (text inserted, no comment
    line among it), `moved` (the same comment lines, some elsewhere), `duplicated`,
    `lost`, or `changed` (a line that is not a comment changed: kpt re-writing more)."""
    old, new = plain.splitlines(), rendered.splitlines()
    moved, changed, inserted_comments = 0, False, 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, False).get_opcodes():
        if tag == "equal" or (tag == "replace" and _inserted_within(old[i1:i2], new[j1:j2])):
            continue
        moved += sum(map(is_comment, old[i1:i2]))
        inserted_comments += sum(map(is_comment, new[j1:j2]))
        changed |= any(not is_comment(line) for line in old[i1:i2])
    if changed:
        return "changed", moved
    if not moved and not inserted_comments:
        return "kept", 0
    before = Counter(line.strip() for line in old if is_comment(line))
    after = Counter(line.strip() for line in new if is_comment(line))
    if after == before:
        return "moved", moved
    return ("duplicated" if after > before else "lost"), moved


def _inserted_within(old: list[str], new: list[str]) -> bool:
    """Whether new is old with text inserted within its lines (a flow collection)."""
    inner = difflib.SequenceMatcher(None, "\n".join(old), "\n".join(new), False)
    return all(op[0] in ("equal", "insert") for op in inner.get_opcodes())


def measure(choices: list[str], show_files: bool, only: str, show_diffs: bool = False) -> None:
    sys.path.insert(0, str(TESTS))
    import test_corpus as corpus

    outcomes: dict[str, Counter] = {choice: Counter() for choice in choices}
    moved_lines: Counter = Counter()
    per_file: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        functions = {choice: _exec_script(root, choice) for choice in choices}
        for row in corpus.rows():
            if only not in f"{row['repository']}:{row['path']}":
                continue
            text, name = corpus.cluster_file(row)
            file_name, label = Path(row["path"]).name, f"{row['repository']}:{row['path']}"
            plain = corpus.Package(root / "cat", file_name, text, "cat", corpus.NOTHING)
            expected = plain.render()[file_name]
            config = corpus.database_set(name, ["app_one"])
            for choice in choices:
                package = corpus.Package(root / "fn", file_name, text, functions[choice], config)
                rendered = package.render()[file_name]
                result, moved = outcome(expected, rendered)
                if show_diffs and result != "kept":
                    print(f"--- {label} ({choice}: {result})")
                    print(
                        "".join(
                            difflib.unified_diff(
                                expected.splitlines(True), rendered.splitlines(True)
                            )
                        )
                    )
                outcomes[choice][result] += 1
                moved_lines[choice] += moved
                per_file.setdefault(label, {})[choice] = f"{result} {moved}" if moved else result
            print(label, per_file[label], file=sys.stderr, flush=True)
    _table(choices, outcomes, moved_lines)
    if show_files:
        for label, results in per_file.items():
            print(label, " ".join(f"{c}={r}" for c, r in results.items()))


def _exec_script(root: Path, choice: str) -> str:
    """An executable kpt can run as `exec:` (it takes no arguments there)."""
    script = root / f"fn-{choice.replace(',', '_')}"
    command = [sys.executable, str(Path(__file__).resolve()), "--as-function", choice]
    script.write_text(f"#!/bin/sh\nexec {shlex.join(command)}\n")
    script.chmod(0o755)
    return str(script)


def _table(choices: list[str], outcomes: dict[str, Counter], moved: Counter) -> None:
    kinds = ["kept", "moved", "duplicated", "lost", "changed"]
    print(
        "| choice (managed,roles,record,annotations,new role) | "
        + " | ".join(kinds)
        + " | comment lines off |"
    )
    print("| --- " * (len(kinds) + 2) + "|")
    for choice in choices:
        places = ",".join(parse_choice(choice).values())
        counts = " | ".join(str(outcomes[choice][kind]) for kind in kinds)
        print(f"| {places} | {counts} | {moved[choice]} |")


CHOICES = [
    "last",
    "first",
    "top",
    "after-first",
    "before-last",
    "before-last-above",
    "sorted",
    "sorted-above",
    "first,first,last,last",
    "first,last,first,last",
    "first,last,last,first",
    "first,first,first,first",
    "last,last,last,last,below-comments",
    "top,top,first,first,below-comments",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-function", metavar="CHOICE", help=argparse.SUPPRESS)
    parser.add_argument("--choices", nargs="+", default=CHOICES)
    parser.add_argument("--files", action="store_true", help="each file's outcome too")
    parser.add_argument("--diffs", action="store_true", help="how each file moved")
    parser.add_argument("--only", default="", help="the files whose name holds this")
    arguments = parser.parse_args()
    if arguments.as_function:
        return run_as_function(arguments.as_function)
    os.environ.setdefault("DBSET_FN_SHARED", str(TESTS.parents[1] / "shared"))
    measure(arguments.choices, arguments.files, arguments.only, arguments.diffs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
