"""Reading data/: tables, YAML, report narratives and values, every problem located as FILE:LINE."""
