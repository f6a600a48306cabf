"""coach: critique interview answers like a demanding, fair interview coach."""

__version__ = "0.1.0"
