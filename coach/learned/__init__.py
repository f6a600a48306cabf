"""The learned sentence models of the offline engine (issue 10): features and inference."""
