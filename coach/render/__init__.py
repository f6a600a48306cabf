"""Renderers: one module per output format, each turning results into text (pure)."""
