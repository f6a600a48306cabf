"""`coach batch`: the group (shared.py) and its commands, each module registering its own."""

from coach.cli.batch import results, status, submit  # noqa: F401 - each registers its commands
from coach.cli.batch.shared import batch_group

__all__ = ["batch_group"]
