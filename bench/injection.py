"""How the injection detector holds on attempts written by someone else.

    python bench/injection.py            # needs the train extra: pip install '.[train]'

training/injection/ holds two sets written apart (a/ and b/). The detector is fitted on one and
measured on the other, both ways; the threshold is the one `python -m coach.train injection`
chose on those same cross-set scores. Prints recall per steering style, false alarms per benign
kind, and precision and recall overall, beside the detector shipped before it (a pattern list).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.train import corpus, injection  # noqa: E402


def main() -> int:
    answers = injection.load_injection()
    cross = injection.steering_cross_scores(answers)
    threshold = json.loads((corpus.DATA / "injection_model.json").read_text(encoding="utf-8"))["threshold"]
    caught, styles, alarms, kinds = Counter(), Counter(), Counter(), Counter()
    for a in answers:
        flagged = cross[a.id] >= threshold
        if a.row["steering"]:
            styles[a.row["style"]] += 1
            caught[a.row["style"]] += flagged
        else:
            kinds[a.row["kind"]] += 1
            alarms[a.row["kind"]] += flagged
    tp, fp = sum(caught.values()), sum(alarms.values())
    steering, benign = sum(styles.values()), sum(kinds.values())
    print(f"{len(answers)} answers ({steering} steering, {benign} benign) in sets {sorted({a.set for a in answers})}; threshold {threshold}\n")
    print(f"{'steering style':22}{'caught':>10}")
    for style in sorted(styles):
        print(f"{style:22}{caught[style]:>5} / {styles[style]:<4}")
    print(f"\n{'benign':28}{'flagged':>10}")
    for kind in sorted(kinds):
        print(f"{kind:28}{alarms[kind]:>5} / {kinds[kind]:<4}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    print(f"\nprecision {precision:.3f}  recall {tp / steering:.3f}  false alarms {fp}/{benign}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
