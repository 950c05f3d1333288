"""The complaint claims Art. 12(4) only for a refusal read in full that named none of the person's remedies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailbot.cli import cli
from mailbot.complaint import CaseFacts, Event, infringed, names_remedies
from mailbot.rules import Ruleset
from mailbot.store import Store

# Refusals as controllers write them, each naming the complaint to an authority or a court.
NAMING = {
    "en": "We will continue the processing. You may lodge a complaint with the Data Protection Commission.",
    "en-court": "We rely on our legitimate interests. You also have the right to seek a judicial remedy.",
    "de": "Wir lehnen Ihren Widerspruch ab. Sie können sich bei der zuständigen Aufsichtsbehörde beschweren.",
    "fr": "Nous ne pouvons donner suite. Vous pouvez introduire une réclamation auprès de la CNIL.",
    "it": "Non possiamo accogliere la richiesta. Può proporre reclamo al Garante per la protezione dei dati personali.",
    "es": "No podemos atenderla. Puede presentar una reclamación ante la Agencia Española de Protección de Datos.",
}
# Refusals that name no remedy.
SILENT = {
    "en": "We rely on our legitimate interests and will continue the processing.",
    "de": "Wir halten an der Verarbeitung fest, da unser berechtigtes Interesse überwiegt.",
    "fr": "Nous maintenons le traitement sur la base de notre intérêt légitime.",
    "it": "Il trattamento prosegue sulla base del nostro legittimo interesse.",
    "es": "Mantenemos el tratamiento por nuestro interés legítimo.",
}


def _facts(remedy_named: bool | None) -> CaseFacts:
    return CaseFacts(
        case_id=1,
        controller="WhatsApp Ireland Limited",
        request_date=date(2025, 1, 2),
        due=date(2025, 2, 2),
        events=(Event(date(2025, 1, 2), True, "request"), Event(date(2025, 1, 20), False, "rejection")),
        remedy_named=remedy_named,
    )


def test_twelve_four_is_claimed_only_when_the_refusal_was_read_and_named_no_remedy() -> None:
    """Read and silent: claimed. Read and naming them: not claimed. Not found: no claim either way."""
    today = date(2025, 1, 25)
    assert "12(4)" in infringed(_facts(False), today)
    assert "12(4)" not in infringed(_facts(True), today)
    assert "12(4)" not in infringed(_facts(None), today)
    assert "core" in infringed(_facts(True), today)  # the refusal itself is still complained of


@pytest.mark.parametrize("key", sorted(NAMING))
def test_the_remedies_are_found_in_five_languages(key: str, ruleset: Ruleset) -> None:
    assert names_remedies(NAMING[key], ruleset.relevance.remedy_named), key


@pytest.mark.parametrize("lang", sorted(SILENT))
def test_a_refusal_silent_on_the_remedies_is_not_read_as_naming_them(lang: str, ruleset: Ruleset) -> None:
    assert ruleset.relevance.remedy_named is not None
    assert not names_remedies(SILENT[lang], ruleset.relevance.remedy_named), lang


def _complaint(tmp_path: Path, refusal: str, *, with_messages: bool = True) -> str:
    """The text of `mailbot complaint 1` (the DPC's web form) for a WhatsApp case refused in these words."""
    state = tmp_path / "state.sqlite3"
    store = Store(state)
    case = store.open_case(
        platform="whatsapp",
        thread_key="<req-1@example.org>",
        subject="Objection",
        ticket="T-9",
        opened=date(2025, 1, 2),
        due=date(2025, 2, 2),
    )
    mid = "<no-1@support.whatsapp.com>"
    store.record_message(
        ("INBOX", 1, 1),
        status="done",
        message_id=mid,
        sender="privacy@support.whatsapp.com",
        subject="Re: Objection",
        category="rejection",
        platform="whatsapp",
        evidence=["phrase"],
        case_id=case.id,
    )
    store.add_to_case(case.id, mid, "rejection", at=date(2025, 1, 20), closes=False)
    store.close()
    mails = tmp_path / "mail"
    mails.mkdir()
    (mails / "1.eml").write_bytes(
        (
            "From: WhatsApp <privacy@support.whatsapp.com>\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\n"
            f"Date: 20 Jan 2025 10:00:00 +0000\r\nMessage-ID: {mid}\r\n\r\n{refusal}\r\n"
        ).encode()
    )
    config = tmp_path / "config.toml"
    config.write_text(f'[identity]\nname = "Ada Example"\nemail = "ada@example.org"\n[state]\npath = "{state}"\n')
    config.chmod(0o600)
    out = tmp_path / "out"
    args = ["complaint", "1", "--config", str(config), "--out", str(out)]
    if with_messages:
        args += ["--messages", str(mails)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return " ".join((out / "complaint.txt").read_text().split())


def test_a_complaint_never_says_a_refusal_that_named_the_dpc_failed_to(tmp_path: Path) -> None:
    """The refusal names the Data Protection Commission: the complaint argues the refusal, not Art. 12(4)."""
    text = _complaint(tmp_path, NAMING["en"])
    assert "Art. 21(1) GDPR" in text
    assert "Art. 12(4)" not in text
    assert "did not inform me of the possibility of lodging a complaint" not in text


def test_a_complaint_about_a_refusal_silent_on_the_remedies_claims_twelve_four(tmp_path: Path) -> None:
    text = _complaint(tmp_path, SILENT["en"])
    assert "Art. 12(4) GDPR: the controller refused to act on my request and did not inform me" in text


def test_without_the_refusal_s_text_the_complaint_makes_no_claim_about_the_remedies(tmp_path: Path) -> None:
    """No --messages: only the rule's evidence is known of the refusal, so Art. 12(4) is not claimed."""
    text = _complaint(tmp_path, SILENT["en"], with_messages=False)
    assert "Art. 21(1) GDPR" in text
    assert "Art. 12(4)" not in text
