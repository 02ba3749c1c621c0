"""Test plugins shared across the test folders."""

pytest_plugins = ["tests.loopback_fixtures"]
