"""The word -> cluster table the sentence models' cluster features read (coach/data/word_clusters.tsv)."""

from __future__ import annotations

import sys
from pathlib import Path

from coach.train.corpus import SEED

CLUSTERS = 256


def build_clusters(out: Path, k: int = CLUSTERS) -> None:
    """Cluster the whole-word tokens of wordllama's vocabulary by their static embeddings."""
    import numpy as np
    import wordllama
    from sklearn.cluster import KMeans
    from wordllama import WordLlama

    # The package ships its weights and tokenizer; never reach for a hub.
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    vocabulary = model.tokenizer.get_vocab()
    words = sorted({t[1:].lower() for t in vocabulary if t.startswith("▁") and t[1:].isascii() and t[1:].isalpha() and len(t) > 3})
    vectors = np.asarray(model.embed(words), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(vectors)
    lines = [f"{word}\tk{label}" for word, label in zip(words, labels)]
    header = f"# word<TAB>cluster: wordllama l2_supercat token embeddings, k-means k={k} seed={SEED} (python -m coach.train clusters)"
    out.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(words)} words in {k} clusters", file=sys.stderr)
