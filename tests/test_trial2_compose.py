"""A second newcomer's trial of the drafts a person reviews: nothing in them states what is not so."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailbot.cli import cli

# A refusal that gives its reasons and names the person's remedies, as Art. 12(4) GDPR requires.
REFUSAL_THAT_INFORMS = b"""From: Meta Privacy <noreply@facebookmail.com>
To: Ada Lovelace-Smith <ada@example.org>
Subject: Re: Your objection
Date: Sat, 19 Apr 2025 10:00:00 +0000
Message-ID: <refusal-informs@mail.example.net>
In-Reply-To: <objection-en@example.org>
References: <objection-en@example.org>
Content-Type: text/plain; charset="utf-8"

Hi,

We have reviewed your objection. We have compelling legitimate grounds for this processing that override
your interests, rights and freedoms, so we will not stop processing your information for this purpose.

If you are not satisfied with our response, you have the right to lodge a complaint with the Irish Data
Protection Commission or your local supervisory authority, and to seek a judicial remedy before the courts.

Meta Privacy
"""
# The sentence every rejection reply said, in each language: the answer did not name the remedies.
CLAIMED_NOT_INFORMED = {
    "en": "fails to inform me",
    "it": "non mi informa",
    "de": "fehlt in Ihrer Antwort der Hinweis",
    "fr": "ne m'informe pas non plus",
    "es": "tampoco me informa",
}
ARTICLE_12_4 = {
    "en": "Art. 12(4) GDPR",
    "it": "art. 12, par. 4, del GDPR",
    "de": "Art. 12 Abs. 4 DSGVO",
    "fr": "article 12, paragraphe 4, du RGPD",
    "es": "artículo 12, apartado 4, del RGPD",
}


@pytest.mark.parametrize("lang", sorted(CLAIMED_NOT_INFORMED))
def test_a_rejection_reply_never_says_the_answer_lacked_the_remedies_it_named(tmp_path: Path, lang: str) -> None:
    """Every rejection reply told the controller that its answer "fails to inform me … of the possibility
    of lodging a complaint", also when the answer had done exactly that: a false statement in the person's
    name, sent by itself in send mode. The reply now states the duty of Art. 12(4) GDPR without claiming
    the answer broke it."""
    path = tmp_path / "refusal.eml"
    path.write_bytes(REFUSAL_THAT_INFORMS)
    result = CliRunner().invoke(cli, ["reply", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    reply = email.message_from_string(result.stdout, policy=email.policy.default)
    body = " ".join(reply.get_content().split("\n> ")[0].split())  # unwrapped, without the quote
    assert ARTICLE_12_4[lang] in body, body
    assert CLAIMED_NOT_INFORMED[lang] not in body, body


UNDATED = b"""From: WhatsApp <noreply@support.whatsapp.com>
To: Ada Lovelace-Smith <ada@example.org>
Subject: Re: Objection to processing
Message-ID: <undated@mail.example.net>
Content-Type: text/plain; charset="utf-8"

Hi,

In order for us to review your objection, please reply to this email with the following information:

- What information processing you are objecting to.
- How WhatsApp's processing of this information impacts you.

Thanks,
WhatsApp Privacy Operations
"""
UNDATED_ATTRIBUTION = {
    "en": "noreply@support.whatsapp.com wrote:",
    "it": "noreply@support.whatsapp.com ha scritto:",
    "de": "noreply@support.whatsapp.com schrieb:",
    "fr": "noreply@support.whatsapp.com a écrit :",
    "es": "noreply@support.whatsapp.com escribió:",
}


@pytest.mark.parametrize("lang", sorted(UNDATED_ATTRIBUTION))
def test_a_message_without_a_date_is_quoted_under_its_sender_alone(tmp_path: Path, lang: str) -> None:
    """A message without a Date header was quoted under "On , noreply@… wrote:" (and "Il , …", "Am  schrieb
    …"): an empty date in the person's draft. The attribution now names the sender alone."""
    path = tmp_path / "undated.eml"
    path.write_bytes(UNDATED)
    result = CliRunner().invoke(cli, ["reply", str(path), "--lang", lang])
    assert result.exit_code == 0, result.output
    body = email.message_from_string(result.stdout, policy=email.policy.default).get_content()
    quoted_under = body.split("\n> ")[0].rstrip().splitlines()[-1]  # the line above the quoted text
    assert quoted_under.strip() == UNDATED_ATTRIBUTION[lang], body
