"""YAML that refuses duplicate keys: in a hand-edited catalog a repeated key silently wins."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError


class DuplicateKeyError(yaml.YAMLError):
    pass


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    f"duplicate key {key!r} at line {key_node.start_mark.line + 1}"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def safe_load(stream: Any) -> Any:
    return yaml.load(stream, Loader=_StrictLoader)  # safe: _StrictLoader is a SafeLoader


def describe_errors(
    source: object, exc: ValidationError, raw: Any, *, entries: str, noun: str
) -> str:
    """A pydantic error on a catalog as lines 'SOURCE: NOUN ID, field PATH: message': an error
    inside the list `raw[entries]` names its entry by id (else by position), then the field."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == entries and isinstance(loc[1], int):
            try:
                entry = raw[entries][loc[1]].get("id") or f"#{loc[1] + 1}"
            except (KeyError, IndexError, TypeError, AttributeError):
                entry = f"#{loc[1] + 1}"
            where, loc = f"{noun} {entry}, ", loc[2:]
        field = ".".join(str(part) for part in loc) or "(file)"
        lines.append(f"{source}: {where}field {field}: {err['msg']}")
    return "\n".join(lines)
