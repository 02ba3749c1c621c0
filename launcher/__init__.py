"""The launcher: starts the tutor service and the bot together (`make run`), or the sandbox
with the loopback Discord; checks every setting of both before either starts.

Neither process's package: it starts both, and imports their settings only.
"""
