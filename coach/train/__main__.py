"""python -m coach.train [models|clusters|injection]."""

import sys

from coach.train import main

if __name__ == "__main__":
    sys.exit(main())
