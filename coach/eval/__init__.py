"""Measuring the offline engine: `coach eval` against labelled answers (`labelled`)."""
