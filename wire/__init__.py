"""What crosses the process boundary between the bot and the tutor service, written once.

Neither process's package: both import it, and it imports nothing of ours.
"""
