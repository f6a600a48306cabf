"""Around the answers, the rest of a second round: the question bank by role, matching a
free-text role, practice and its history, progress over attempts."""
