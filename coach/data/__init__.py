"""Data the engine reads at run time: vocabularies, the question bank, trained model weights."""
