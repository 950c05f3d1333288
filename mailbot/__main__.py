"""Allows ``python -m mailbot``."""

from mailbot.command import main

main()
