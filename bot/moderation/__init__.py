"""Moderators: /tutor, a server's settings, and a departed server's data deleted."""
