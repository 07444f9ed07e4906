"""Reading and checking a plan folder: bytes → YAML → models → checks, and its cache."""
