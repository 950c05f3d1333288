"""`mailbot teach`: the person files a message under a category and mailbot learns its wording."""

from __future__ import annotations

from pathlib import Path

import click

from mailbot import learn
from mailbot.config import default_config_path, default_state_path, load_config
from mailbot.errors import MailbotError
from mailbot.models import Category
from mailbot.parse import parse
from mailbot.rules import VARIANTS, bundled_rules

_CATEGORIES = [c.value for c in Category if c is not Category.UNKNOWN]


def _state_path(config: Path | None) -> Path:
    path = config or default_config_path()
    if config is None and not path.exists():
        return default_state_path()
    return load_config(path).state_path


@click.command(name="teach", short_help="Teach mailbot what a message is; list or forget lessons.")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.argument("category", required=False, type=click.Choice(_CATEGORIES))
@click.option("--variant", type=click.Choice(sorted(VARIANTS - {""})), help="The kind of answer within the category.")
@click.option("--list", "as_list", is_flag=True, help="List what was taught (id, category, where, first sentence).")
@click.option("--forget", "forget_id", metavar="ID", help="Forget one taught message by its id.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Configuration file (for the state path).")
def teach_cmd(
    file: Path | None,
    category: str | None,
    variant: str | None,
    as_list: bool,
    forget_id: str | None,
    config: Path | None,
) -> None:
    """Teach mailbot what a message is: later messages worded like it get the same category.

    The message's own sentences (not greetings, thanks or quoted text) are kept as local
    exemplars next to the state database (learned.json), never in the bundled rules.
    Nothing is learnt from a message whose sender failed DMARC verification.

    A message you file into the mail folder Mailbot/<category> (mailbot creates
    them, under your IMAP account's namespace or as Maildir++ .Mailbot.<category>)
    is learnt and answered as that category by the next scan. --list shows
    every lesson (id, category, variant, sender, where taught, first sentence);
    --forget ID removes one, whichever way it was taught.

    \b
    Examples:
      mailbot teach reply.eml rejection
      mailbot teach reply.eml rejection --variant medium
      mailbot teach --list
      mailbot teach --forget 3fa2c1d0
    """
    try:
        path = learn.learned_path(_state_path(config))
        if as_list:
            lessons = learn.load(path)
            if not lessons:
                click.echo(
                    "mailbot: nothing taught yet: 'mailbot teach FILE CATEGORY', or file a message into the "
                    "mail folder Mailbot/<category>",
                    err=True,
                )
            for item in lessons:
                first = item.sentences[0] if item.sentences else ""
                source = item.source or "teach"
                click.echo(
                    f"{item.id}\t{item.category}\t{item.variant or '-'}\t{item.sender or '-'}\t{source}\t{first[:80]}"
                )
            return
        if forget_id:
            gone = learn.forget(path, forget_id)
            click.echo(f"forgot {gone.id} ({gone.category}, {len(gone.sentences)} sentences)")
            return
        if file is None or category is None:
            raise click.UsageError("give FILE and CATEGORY, or --list, or --forget ID")
        from mailbot.cli import read_message_file  # loaded already: the command is reached through it

        # As classify and reply: a file that is no e-mail (a README, a binary) is refused, not learnt from.
        raw = read_message_file(file)
        item = learn.lesson(parse(raw), Category(category), bundled_rules(), variant=variant or "")
        learn.add(path, item)
    except MailbotError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"taught {item.id}: {category}, {len(item.sentences)} sentences -> {path}")
