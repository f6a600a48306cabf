"""The rules both engines share, and the offline engine built from them: the analysed text
(`text`), thresholds, the scoring rubric, the kinds of text and of question, the checks'
documentation and settings, and `offline`, which runs the checks (coach/checks) and the learned
sentence models (coach/learned) to turn an answer into a Critique."""
