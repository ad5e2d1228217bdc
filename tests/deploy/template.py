"""Read deploy/cloud/gas.yaml as CloudFormation does: `!Ref X` → {"Ref": "X"}, `!Sub s` → {"Fn::Sub": s} ..."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "cloud" / "gas.yaml"
USERDATA = ROOT / "deploy" / "cloud" / "userdata"


class _Loader(yaml.SafeLoader):
    pass


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _intrinsic)


def load() -> dict:
    return yaml.load(TEMPLATE.read_text(), Loader=_Loader)


def resources_of_type(template: dict, kind: str) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def ref(value) -> str:
    """The logical id a {"Ref": ...} points at."""
    assert isinstance(value, dict) and set(value) == {"Ref"}, value
    return value["Ref"]
