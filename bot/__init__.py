"""The Discord adapter and the learner's state (progress rules, the store).

Nothing here builds settings, clients or connections at import time: `bot/__main__.py`
builds them and passes them in.
"""
