"""The `mailbot` command's entry point: imports the command line with the garbage collector held off."""

import gc


def main() -> None:
    """Import the command line and run it.

    Importing creates only objects that live as long as the process (modules, classes, functions):
    collecting while it runs finds nothing, and freezing them afterwards keeps later collections off them.
    """
    gc.disable()
    try:
        from mailbot.cli import main as run
    finally:
        gc.enable()
    gc.freeze()
    run()
