"""How long is the rendered prompt without the candidate's answer? (issue 3 target: compact)

Renders the system and user messages for every role in prompts/roles.yaml with an empty
answer and no question, and prints characters (and a rough token estimate, chars / 4) for
the default json_schema mode and for JSON-object mode (schema described in the prompt).

    python bench/prompt_size.py [--prompts DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.llm.prompting import Facts, Prompts  # noqa: E402
from coach.llm.schema import reply_shape  # noqa: E402
from coach.models import Answer  # noqa: E402
from coach.rules.offline import critique  # noqa: E402


def sizes(prompts: Prompts, role: str | None, shape: str | None) -> tuple[int, int]:
    facts = Facts.of(critique(Answer(text="")))
    messages = prompts.messages(answer="", question=None, role=role, facts=facts, reply_shape=shape)
    return len(messages[0]["content"]), len(messages[1]["content"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=Path, default=None)
    args = parser.parse_args()
    prompts = Prompts(args.prompts)
    print(f"{'role':<22}{'mode':<13}{'system':>8}{'user':>7}{'total':>8}{'~tokens':>9}")
    for key in prompts.roles:
        for mode, shape in (("json_schema", None), ("json_object", reply_shape())):
            system, user = sizes(prompts, None if key == "general" else key, shape)
            total = system + user
            print(f"{key:<22}{mode:<13}{system:>8}{user:>7}{total:>8}{total // 4:>9}")


if __name__ == "__main__":
    main()
