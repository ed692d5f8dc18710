"""YAML that means what kpt and kustomize mean, and gives back what it was given.

kpt and kustomize read YAML 1.2 (core schema) and write every scalar exactly as a
function emits it. PyYAML reads YAML 1.1 and, when it builds Python objects, forgets
how a value was written. So this module never builds Python objects from items: it
keeps PyYAML's node tree, whose scalars carry their original text and quoting style
and whose collections carry their flow or block style, resolves plain scalars with
the YAML 1.2 core schema, and serialises the same tree back. Python values are made
only on request (`to_python`), and new content is turned into nodes (`to_node`)
with quoting that no YAML 1.1 or 1.2 reader can misread.
"""

from __future__ import annotations

import io
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.emitter import Emitter
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner
from yaml.serializer import Serializer

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

# More nodes than this after expanding aliases is an alias bomb, not a manifest.
MAX_NODES = 2_000_000
# A line width no manifest reaches: the emitter must never fold a long value.
NO_WRAP = 1 << 30

_CORE_SCHEMA = [
    (NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), [*"~nN", ""]),
    (BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    (
        INT,
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    ),
    (
        FLOAT,
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
]


class Yaml12Resolver(yaml.resolver.BaseResolver):
    """Resolves plain scalars by the YAML 1.2 core schema, as kyaml does."""

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 - PyYAML's class-level table


for _tag, _regexp, _first in _CORE_SCHEMA:
    Yaml12Resolver.add_implicit_resolver(_tag, _regexp, _first)

_Yaml11 = yaml.resolver.Resolver()
_Yaml12 = Yaml12Resolver()
_Analyzer = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)


class _PythonLoader(Reader, Scanner, Parser, Composer, Yaml12Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Yaml12Resolver.__init__(self)


class _PythonDumper(Emitter, Serializer, Yaml12Resolver):
    """The reference emitter; libyaml's escapes characters beyond the BMP (emoji)."""

    def __init__(self, stream: io.StringIO) -> None:
        Emitter.__init__(self, stream, indent=2, width=NO_WRAP, allow_unicode=True)
        Serializer.__init__(self, explicit_start=False)
        Yaml12Resolver.__init__(self)

    def choose_scalar_style(self) -> str:
        """Keep a tagged plain scalar plain (`!!binary aGVsbG8=`), as libyaml does."""
        if self.analysis is None:
            self.analysis = self.analyze_scalar(self.event.value)
        analysis = self.analysis
        plain = analysis.allow_flow_plain if self.flow_level else analysis.allow_block_plain
        in_simple_key = self.simple_key_context and (analysis.empty or analysis.multiline)
        if not self.event.style and not self.event.implicit[0] and plain and not in_simple_key:
            return ""
        return super().choose_scalar_style()


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CEmitter, CParser

    class _Loader(CParser, Yaml12Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Yaml12Resolver.__init__(self)

    class _Dumper(CEmitter, Yaml12Resolver):
        def __init__(self, stream: io.StringIO) -> None:
            CEmitter.__init__(self, stream, indent=2, width=NO_WRAP, allow_unicode=True)
            Yaml12Resolver.__init__(self)

else:  # pragma: no cover - only where PyYAML was built without libyaml
    _Loader = _PythonLoader
    _Dumper = _PythonDumper


class YamlError(ValueError):
    """Input that is not YAML, or YAML that cannot be a Kubernetes manifest."""


def _where(node: Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def parse_documents(text: str) -> list[Node]:
    """Every document of a YAML stream as a node tree, aliases expanded."""
    loader = _Loader(text)
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(expand_aliases(node))
        return documents
    except yaml.YAMLError as error:
        raise YamlError(f"input is not valid YAML: {_one_line(error)}") from None
    except RecursionError:
        raise YamlError("input is nested too deeply to be a Kubernetes manifest") from None
    finally:
        loader.dispose()


def _one_line(error: yaml.YAMLError) -> str:
    """PyYAML's message spans lines; stderr and results need one."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return " ".join(str(error).split())
    text = error.problem or "error"
    if error.problem_mark is not None:
        mark = error.problem_mark
        text += f" at line {mark.line + 1}, column {mark.column + 1}"
    if error.context:
        text += f" ({error.context})"
    return text


def expand_aliases(root: Node) -> Node:
    """Give every alias its own copy, so that output has no anchors and an edit of one
    item never changes another; refuse recursive aliases and alias bombs."""
    seen: set[int] = set()
    count = 0
    stack: list[tuple[Node, frozenset[int]]] = [(root, frozenset())]
    while stack:
        node, ancestors = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise YamlError(f"input expands to more than {MAX_NODES} YAML nodes (alias bomb?)")
        if isinstance(node, ScalarNode):
            continue
        if id(node) in ancestors:
            raise YamlError(f"recursive alias at {_where(node)}")
        inner = ancestors | {id(node)}
        children = node.value if isinstance(node, MappingNode) else [(None, n) for n in node.value]
        for position, (key, value) in enumerate(children):
            for child_role, child in (("key", key), ("value", value)):
                if child is None:
                    continue
                if id(child) in seen and not isinstance(child, ScalarNode):
                    if id(child) in inner:
                        raise YamlError(f"recursive alias at {_where(child)}")
                    child = copy_node(child)
                    if isinstance(node, MappingNode):
                        pair = node.value[position]
                        node.value[position] = (
                            (child, pair[1]) if child_role == "key" else (pair[0], child)
                        )
                    else:
                        node.value[position] = child
                seen.add(id(child))
                stack.append((child, inner))
    return root


def copy_node(node: Node) -> Node:
    """A deep copy of a node tree (marks shared, they are read-only)."""
    if isinstance(node, ScalarNode):
        return ScalarNode(node.tag, node.value, node.start_mark, node.end_mark, node.style)
    if isinstance(node, SequenceNode):
        return SequenceNode(
            node.tag,
            [copy_node(n) for n in node.value],
            node.start_mark,
            node.end_mark,
            node.flow_style,
        )
    return MappingNode(
        node.tag,
        [(copy_node(k), copy_node(v)) for k, v in node.value],
        node.start_mark,
        node.end_mark,
        node.flow_style,
    )


def serialize(node: Node) -> str:
    """One YAML document, styles as the nodes carry them, no anchors, no wrapping."""
    text = _emit(node, _Dumper)
    if _Dumper is not _PythonDumper and "\\U" in text:
        text = _emit(node, _PythonDumper)  # keep emoji and other astral characters as is
    return text


def _emit(node: Node, dumper_class: type) -> str:
    stream = io.StringIO()
    dumper = dumper_class(stream)
    try:
        dumper.open()
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


def serialize_all(nodes: list[Node]) -> str:
    """A multi-document stream, each document after a `---` line."""
    return "".join("---\n" + serialize(node) for node in nodes)


class DuplicateKeyError(YamlError):
    """A mapping with the same key twice: YAML forbids it, PyYAML would keep one."""


def to_python(node: Node, path: str = "") -> Any:
    """The value a YAML 1.2 reader sees; duplicate keys are errors, not dropped.

    path is where node sits (like `spec.databases[0]`), for the error message.
    """
    if isinstance(node, ScalarNode):
        return _scalar_value(node)
    if isinstance(node, SequenceNode):
        return [to_python(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
    result: dict[Any, Any] = {}
    where = path or "the top level"
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YamlError(f"{where} must have scalar keys, not a collection")
        key = _scalar_value(key_node)
        if key in result:
            raise DuplicateKeyError(f'{where} must not have the key "{key}" twice; keep one')
        result[key] = to_python(value_node, f"{path}.{key}" if path else str(key))
    return result


def _scalar_value(node: ScalarNode) -> Any:
    text = node.value
    if node.tag == NULL:
        return None
    if node.tag == BOOL:
        return text.lower() == "true"
    if node.tag == INT:
        return _int_value(text, node)
    if node.tag == FLOAT:
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        try:
            return float(text)
        except ValueError:
            raise YamlError(f"{text!r} is not a float at {_where(node)}") from None
    return text


def _int_value(text: str, node: Node) -> int:
    try:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    except ValueError:
        raise YamlError(f"{text!r} is not an integer at {_where(node)}") from None


def to_node(value: Any) -> Node:
    """A node for a new value: block collections, literal blocks for multi-line text,
    and double quotes wherever a YAML 1.1 or 1.2 reader would see a non-string."""
    if isinstance(value, Node):
        return value
    if isinstance(value, dict):
        pairs = [(to_node(str(k)), to_node(v)) for k, v in value.items()]
        return MappingNode(MAP, pairs, flow_style=False)
    if isinstance(value, list | tuple):
        return SequenceNode(SEQ, [to_node(v) for v in value], flow_style=False)
    if value is None:
        return ScalarNode(NULL, "null")
    if isinstance(value, bool):
        return ScalarNode(BOOL, "true" if value else "false")
    if isinstance(value, int):
        return ScalarNode(INT, str(value))
    if isinstance(value, float):
        return ScalarNode(FLOAT, repr(value))
    if isinstance(value, str):
        return ScalarNode(STR, value, style=_string_style(value))
    raise TypeError(f"cannot represent {type(value).__name__} in YAML")


def _string_style(text: str) -> str | None:
    """Literal blocks for multi-line text; plain where safe; else quotes, double
    unless the text holds a double quote (JSON reads better in single quotes)."""
    analysis = _Analyzer.analyze_scalar(text)
    if "\n" in text.rstrip("\n") and analysis.allow_block:
        return "|"
    ambiguous = any(
        resolver.resolve(ScalarNode, text, (True, False)) != STR for resolver in (_Yaml11, _Yaml12)
    )
    if analysis.allow_block_plain and not ambiguous:
        return None
    return "'" if '"' in text and analysis.allow_single_quoted else '"'


def mapping_get(node: MappingNode, key: str) -> Node | None:
    """The value node under a string key, or None."""
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return None


def mapping_set(node: MappingNode, key: str, value: Node) -> None:
    """Replace the value under key in place, or append the pair."""
    for position, (key_node, _) in enumerate(node.value):
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            node.value[position] = (key_node, value)
            return
    node.value.append((to_node(key), value))


def mapping_delete(node: MappingNode, key: str) -> None:
    node.value = [
        (k, v) for k, v in node.value if not (isinstance(k, ScalarNode) and k.value == key)
    ]
