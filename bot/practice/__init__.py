"""Practice: /practice and its buttons, /test, "Run it", the counters, /preview."""
