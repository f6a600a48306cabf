"""How sure the learned blame model must be before the negativity check believes it alone
(thresholds.CONFIDENT_BLAME), chosen the way the number's comment says.

    python bench/blame_threshold.py     # needs the train extra: pip install '.[train]'

Over the training corpus, an answer speaks badly of others when one of its sentences is labelled
`blame`. The negativity check flags it when its rules do, or when the model gives a sentence at
least the threshold. The model's probabilities come from a model that never saw the answer's
register (leave one register out, the shipped regularisation); the rules are the check's own,
with the model switched off. Scored with F0.5 (a false "speaks badly of others" accuses the
candidate) over the registers not enriched for blame. Prints the figures per threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.checks import negativity  # noqa: E402
from coach.learned.model import MODEL_FILE  # noqa: E402
from coach.rules import thresholds  # noqa: E402
from coach.rules.text import Document  # noqa: E402
from coach.train import corpus, scoring, sentences  # noqa: E402

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99)


def rules_verdicts(answers: list[corpus.Labelled]) -> dict[str, bool]:
    """The negativity check's verdict with the learned model never sure enough to count."""
    verdicts = {}
    with mock.patch.object(thresholds, "CONFIDENT_BLAME", 2.0):
        for answer in answers:
            text = " ".join(s["text"] for s in answer.answer["sentences"])
            verdicts[answer.id] = negativity.run(Document(text, answer.answer.get("question"))).flagged
    return verdicts


def main() -> None:
    answers = corpus.load_corpus()
    c = json.loads((corpus.DATA / MODEL_FILE).read_text(encoding="utf-8"))["trained_on"]["C"]["blame"]
    registers = [a.register for a in answers]
    blame = sentences.out_of_fold(answers, registers, c)
    rules = rules_verdicts(answers)
    typical = [a for a in answers if a.register not in corpus.ENRICHED_REGISTERS]
    truth = [scoring.answer_truth(a)["blame"] for a in typical]
    print(f"{len(typical)} answers of the registers not enriched for blame ({sum(truth)} blame); C={c}")
    rules_only = [rules[a.id] for a in typical]
    print(f"rules alone       F0.5 {scoring.f1_score(rules_only, truth, 0.5):.3f}  F1 {scoring.f1_score(rules_only, truth):.3f}")
    for threshold in THRESHOLDS:
        guesses = [rules[a.id] or max(blame[a.id]["blame"], default=0.0) >= threshold for a in typical]
        print(f"model at {threshold:<8} F0.5 {scoring.f1_score(guesses, truth, 0.5):.3f}  "
              f"F1 {scoring.f1_score(guesses, truth):.3f}  flagged {sum(guesses)}")


if __name__ == "__main__":
    main()
