"""YAML text to Python data: the one way coach parses YAML (data files, prompts, front matter).

PyYAML's C loader is used when its wheel has libyaml, which every common one does: the pure-Python
loader takes ~75 ms for the question bank, a quarter of an LLM run's start-up; the C one 6 ms.
Both are safe loaders and raise the same `yaml.YAMLError`.
"""

from __future__ import annotations

from typing import Any


def parse_yaml(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
