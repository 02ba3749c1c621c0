"""The sandbox page: the loopback Discord shown in a browser, as Discord's client would show
it, and acted on as a member would act. Served by the loopback's own aiohttp server.

`python -m bot.sandbox.page` runs the loopback Discord with the page in a process of its own;
`python -m launcher.local_sandbox` (what `make run` starts without a token) adds the tutor service
and the real bot.
"""

from bot.sandbox.page.web import install_page

__all__ = ["install_page"]
