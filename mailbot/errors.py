"""The one exception tree of mailbot; builtins mixed in where a caller may expect them."""


class MailbotError(Exception):
    """Base of every error mailbot raises on purpose."""


class ConfigError(MailbotError, ValueError):
    """The configuration is missing, unreadable or invalid."""


class RulesError(MailbotError, ValueError):
    """A file in rules/ is invalid; the message names the file and the rule id."""


class TemplateError(MailbotError, ValueError):
    """A reply template is missing or fails to render."""


class MessageFileError(MailbotError, OSError):
    """An .eml file cannot be read."""


class MailboxError(MailbotError, ConnectionError):
    """The mailbox (IMAP server or Maildir) cannot be reached or used."""


class LoginError(MailboxError):
    """The server refused the credentials."""


class DeliveryError(MailbotError, ConnectionError):
    """A reply could not be delivered."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class StateError(MailbotError, OSError):
    """The state database cannot be opened or is damaged."""
