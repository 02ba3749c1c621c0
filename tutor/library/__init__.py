"""The book catalogue that example views query: app label `library`, seeded per run.

Examples import it as `library.models`; the examples' project makes that name point here.
"""
