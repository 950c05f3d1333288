"""Every reply template × language × request type: the articles it cites, no placeholders, no phrasing fixed in #14."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailbot.checks import SAMPLE_IDENTITY, all_templates, config_warnings, run_checks, sample_complaint, sample_context
from mailbot.cli import cli
from mailbot.complaint import proposes_complaint
from mailbot.compose import (
    CONFIRM_DAYS,
    VARIANTS,
    ReplyOptions,
    compose,
    flowed,
    format_date,
    lcfirst,
    lead_authority,
    render,
    template_context,
    template_for,
    unflow,
)
from mailbot.decide import SUPPORTED_LANGUAGES
from mailbot.errors import TemplateError
from mailbot.models import Action, ActionKind, Address, CaseInfo, Category, Message, Reply, RequestType, Verdict
from mailbot.recipients import asks_email_reply, reply_target
from mailbot.rules import LANGUAGES, Ruleset
from mailbot.store import Store

R = RequestType
NOW = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)
RECEIVED = date(2025, 1, 25)

# Every provision /work/shared/GDPR.md lists, normalised to 21(1)(d); a reply may cite nothing else. The bare
# articles 15, 16, 17, 18, 20 are the request types' own provisions (models.RequestType.article).
LISTED = {
    "5(1)(c)",
    "6(1)(b)",
    "6(1)(f)",
    "7(3)",
    "11(2)",
    "12(2)",
    "12(3)",
    "12(4)",
    "12(5)",
    "12(6)",
    "13(1)(c)",
    "15",
    "15(1)(a)",
    "15(1)(c)",
    "15(1)(g)",
    "15(3)",
    "16",
    "17",
    "17(1)(c)",
    "18",
    "18(1)(d)",
    "19",
    "20",
    "21(1)",
    "21(2)",
    "21(3)",
    "21(4)",
    "56",
    "77",
    "79",
}
BASE = {
    R.OBJECTION: "21(1)",
    R.MARKETING_OBJECTION: "21(2)",
    R.ACCESS: "15",
    R.RECTIFICATION: "16",
    R.ERASURE: "17",
    R.RESTRICTION: "18",
    R.PORTABILITY: "20",
    R.CONSENT_WITHDRAWAL: "7(3)",
}
ACCESS_AI = {"15(1)(a)", "15(1)(c)", "15(1)(g)", "15(3)"}
RECIPIENTS = {R.RECTIFICATION, R.ERASURE, R.RESTRICTION}  # Art. 19: communicated to each recipient
CITATION = {
    "en": r"Art\. (\d+)(?:\((\d+)\))?(?:\(([a-z])\))? GDPR",
    "it": r"art\. (\d+)(?:, par\. (\d+))?(?:, lett\. ([a-z])\))?,? (?:del )?GDPR",
    "de": r"Art\. (\d+)(?: Abs\. (\d+))?(?: lit\. ([a-z]))? DSGVO",
    "fr": r"article (\d+)(?:, paragraphe (\d+))?(?:, point ([a-z])\))?,? du RGPD",
    "es": r"artículo (\d+)(?:, apartado (\d+))?(?:, letra ([a-z])\))?,? del RGPD",
}
ANY_ARTICLE = re.compile(r"\b(?:art\.|artt\.|article|artículo|articolo|Artikel)\s*\d+", re.IGNORECASE)

# Phrasings issue 14 fixed: none may come back, in any template, language or request type.
FORBIDDEN = {
    "en": [
        r"in particular its use",
        r"Compliance with the GDPR is not a matter of explanation",
        r"^thank you",  # after "Dear …," a new sentence starts with a capital
        r"obliges you to tell me the reasons within one month",
    ],
    "de": [
        r"ich muss nicht begründen",
        r"künftig erhobene Daten",
        r"nicht, sie von Fragebögen",
        r"insbesondere ihre Verwendung",
        r"wird ihr nicht gerecht",
        r"Beschwerde\b[^.;]*\beinlegen\b",
        r"keine Frage der Erklärung",
        r"binnen eines Monats nach Eingang die Gründe",
    ],
    "it": [
        r"indicatemi quale e quale",
        r"non lo soddisfa",
        r"non è una questione di spiegazioni",
        r"^2\. [^\n]*: [A-Z]",  # lower case after the colon in point 2
        r"comunicarmene i motivi entro un mese",
    ],
    "fr": [
        r"ne la satisfait pas",
        r"me réserve le droit à un recours",
        r"que ce but ne l'exige",
        r"n'est pas une affaire d'explications",
        r"^2\. [^\n]*: [A-Z]",
        r"^2\. [^\n]* : [A-Z]",
        r"m'en indiquer les motifs dans un délai d'un mois",
    ],
    "es": [
        r"no la cumple",
        r"que lo comuniquen a cada destinatario",
        r"no es una cuestión de explicaciones",
        r"^2\. [^\n]*: [A-Z]",
        r"informarme de los motivos en el plazo de un mes",
    ],
    "any": [
        r"Data Protection Commission \(Ireland\)",
        r"\(IMY, Sweden\)",
        r"the Integritetsskyddsmyndigheten",
        r"Data Protection Commission irlandese",
        r"\{\{|\}\}|\{%|%\}|\{#",  # template syntax
        r"\bNone\b|\bundefined\b",
        r"\(\s*\)",  # an empty bracket: a variable came out empty
        r" ,| \.(?!\d)|  ",  # a space before punctuation, or two spaces
        r"(?i)\b(?:my posts, photos and messages|i miei post|meine beiträge|mes publications|mis publicaciones)",
    ],
}
# An automated-means provision is not an answer to a channel or screenshot demand (GDPR.md): never cited.
NEVER_CITED = {"21(5)"}


def citations(text: str, lang: str) -> set[str]:
    """The provisions cited in a text, normalised to the form 21(1)(d)."""
    return {
        number + (f"({para})" if para else "") + (f"({letter})" if letter else "")
        for number, para, letter in re.findall(CITATION[lang], text)
    }


def expected(name: str, variant: str, request: RequestType, erasure: bool) -> set[str]:
    """The articles a reply must cite (DESIGN.md, GDPR.md, issue 14)."""
    base = BASE[request]
    if name == "request_info":
        if request is R.OBJECTION:
            return {"21(1)", "12(2)", "18(1)(d)", "12(3)"}
        if request is R.MARKETING_OBJECTION:
            return {"21(2)", "21(3)", "12(2)", "12(3)"}
        return {base, "12(2)", "12(6)", "12(3)"} | (ACCESS_AI if request is R.ACCESS else set())
    if name == "clarification":
        if request is R.MARKETING_OBJECTION:
            return {"21(2)", "21(3)", "12(6)", "12(2)", "12(3)"}
        return {base, "12(6)", "12(2)", "12(3)"} | (ACCESS_AI if request is R.ACCESS else set())
    if name == "acceptance":
        if request is R.OBJECTION:
            return {"17(1)(c)", "19"} if erasure else set()
        if request is R.MARKETING_OBJECTION:
            return {"21(3)"}
        if request is R.ACCESS:
            return {base, "12(3)"} | ACCESS_AI
        return {base} | ({"19"} if request in RECIPIENTS else set())
    if name == "rejection":
        cited = {base, "12(4)", "77", "79"}
        if variant == "legal_basis":
            return (
                cited
                | {"6(1)(b)"}
                | ({"6(1)(f)", "13(1)(c)"} if request in {R.OBJECTION, R.MARKETING_OBJECTION} else set())
            )
        if variant == "medium":
            return cited | {"12(2)"}
        if request is R.MARKETING_OBJECTION:
            return cited | {"21(3)"}
        return cited | ({"12(5)"} if request not in {R.OBJECTION, R.CONSENT_WITHDRAWAL} else set())
    if name == "identity_check":
        return {"12(6)", "5(1)(c)", "12(3)"}
    if name == "reminder":
        return {base, "12(3)", "12(4)", "77"}
    if name == "already_done":
        return {base, "12(3)"} | ({"19"} if request in RECIPIENTS else set())
    if name == "extension":
        return {base, "12(3)"}
    if name == "fee":
        return {base, "12(5)", "12(3)"}
    raise AssertionError(name)


def _category(name: str) -> str:
    return name if name in {str(c) for c in Category} else "rejection"


def _render(name: str, variant: str, lang: str, request: RequestType, ruleset: Ruleset, **kw: object) -> str:
    context = sample_context(
        _category(name),
        lang,
        ruleset.platform("whatsapp"),
        request=request,
        variant=variant,
        ticket="T-1",
        received=RECEIVED,
        ruleset=ruleset,
        **kw,  # type: ignore[arg-type]
    )
    return render(f"{name}.{lang}", context)


TEMPLATES = all_templates()


def test_every_variant_has_a_template_and_every_template_a_use() -> None:
    """The variant table covers exactly the documented variants; `mailbot check` finds no problem."""
    assert set(VARIANTS) == {"", "grounds", "legal_basis", "medium", "no_reasons", "already_done"} | {
        "extension_no_reasons",
        "fee",
    }
    assert {name for name, _ in TEMPLATES} == {
        "request_info",
        "clarification",
        "acceptance",
        "rejection",
        "identity_check",
        "reminder",
        "already_done",
        "extension",
        "fee",
    }
    assert run_checks() == []


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(("name", "variant"), TEMPLATES)
def test_every_template_language_and_request_type(name: str, variant: str, lang: str, ruleset: Ruleset) -> None:
    """Each reply cites the articles its request type and argument call for, only listed ones, well formed;
    no placeholder and no fixed phrasing survives; it reads well once wrapped."""
    for request in RequestType:
        for erasure in (False, True):
            text = _render(name, variant, lang, request, ruleset, erasure=erasure)
            cited = citations(text, lang)
            need = expected(name, variant, request, erasure)
            assert need <= cited, (request, erasure, need - cited, text)
            assert cited <= LISTED, (request, cited - LISTED)
            assert not cited & NEVER_CITED
            # Every article mention is a well-formed citation that the pattern above recognises.
            assert len(ANY_ARTICLE.findall(text)) == len(re.findall(CITATION[lang], text)), text
            body = text.split("\n", 2)[2]  # after the greeting and its blank line
            # After "Sehr geehrtes …," and "Gentile …," the letter goes on in lower case; after "Dear …,",
            # "Madame, Monsieur," and "Estimado …:" a new sentence starts with a capital.
            assert body[0].islower() if lang in ("de", "it") else body[0].isupper(), body[:40]
            for pattern in FORBIDDEN[lang] + FORBIDDEN["any"]:
                assert not re.search(pattern, body, re.MULTILINE), (pattern, request, text)
            for line in flowed(text).splitlines():
                assert len(line) <= 72 or " " not in line.strip(), line
            if request is not R.OBJECTION:
                assert "21(1)" not in cited, (request, text)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("variant", ["", "grounds", "legal_basis", "medium", "no_reasons"])
def test_rejection_gives_no_new_month(variant: str, lang: str, ruleset: Ruleset) -> None:
    """A refused request gets 14 days to confirm, then the complaint: never the month of Art. 12(3) again."""
    for request in RequestType:
        text = _render("rejection", variant, lang, request, ruleset)
        assert format_date(date(2025, 2, 8), lang) in text  # 14 days after the refusal arrived
        assert format_date(date(2025, 2, 2), lang) not in text  # the Art. 12(3) due date
        assert "12(3)" not in citations(text, lang)
        assert "14" in text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_rejection_variants_rebut_the_argument(lang: str, ruleset: Ruleset) -> None:
    """Each argument gets its own rebuttal: the CJEU on contracts, the EDPB on channels, reasons on silence."""
    grounds = _render("rejection", "grounds", lang, R.OBJECTION, ruleset)
    basis = _render("rejection", "legal_basis", lang, R.OBJECTION, ruleset)
    medium = _render("rejection", "medium", lang, R.OBJECTION, ruleset)
    silent = _render("rejection", "no_reasons", lang, R.OBJECTION, ruleset)
    assert _render("rejection", "", lang, R.OBJECTION, ruleset) == grounds
    assert len({grounds, basis, medium, silent}) == 4
    assert "C-252/21" in basis
    assert "98" in basis
    assert "C-252/21" not in grounds
    assert "01/2022" in medium
    assert "01/2022" not in grounds
    assert {"6(1)(f)", "13(1)(c)", "6(1)(b)"} <= citations(basis, lang)
    assert "21(1)" in citations(silent, lang)
    marketing = _render("rejection", "grounds", lang, R.MARKETING_OBJECTION, ruleset)
    assert {"21(2)", "21(3)"} <= citations(marketing, lang)
    assert "21(1)" not in citations(marketing, lang)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_identity_reply_claims_the_registered_address_only_when_configured(lang: str, ruleset: Ruleset) -> None:
    """WhatsApp accounts are phone numbers and web forms have no sender: the claim depends on configuration."""
    plain = _render("identity_check", "", lang, R.OBJECTION, ruleset)
    phone = _render("identity_check", "", lang, R.OBJECTION, ruleset, account="+39 333 000 0000")
    claimed = _render("identity_check", "", lang, R.OBJECTION, ruleset, sent_from_account=True)
    # The signature carries the address once; the claim is a second mention.
    assert plain.count(SAMPLE_IDENTITY.email) == 1
    assert "+39 333 000 0000" in phone
    assert phone.count(SAMPLE_IDENTITY.email) == 1
    assert claimed.count(SAMPLE_IDENTITY.email) == 2
    assert "01/2022" in plain
    assert "3.3" in plain


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_request_info_answers_what_was_asked(lang: str, ruleset: Ruleset) -> None:
    """The account asked for is given: the configured identifier, else the identity's address."""
    assert SAMPLE_IDENTITY.email in _render("request_info", "", lang, R.OBJECTION, ruleset)
    text = _render("request_info", "", lang, R.ACCESS, ruleset, account="+39 333 000 0000")
    assert "+39 333 000 0000" in text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_default_situation_is_neutral_across_platforms(lang: str, ruleset: Ruleset) -> None:
    """The default particular situation names no kind of content that only a social network holds."""
    for pid in ("spotify", "microsoft", "whatsapp"):
        context = sample_context("request_info", lang, ruleset.platform(pid), ruleset=ruleset)
        text = render(f"request_info.{lang}", context)
        assert not re.search(r"\b(?:posts?|photos?|Fotos|foto|Beiträge|publications|publicaciones)\b", text, re.I)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_authority_names_read_right_in_every_language(lang: str, ruleset: Ruleset) -> None:
    """Every authority has a name and a 'lodge a complaint with' phrase per language; no bracketed country."""
    assert len(ruleset.authorities) >= 11
    for authority in ruleset.authorities:
        for text in (authority.name(lang), authority.lodge_with(lang)):
            assert text.strip()
            assert "((" not in text
            assert "))" not in text
            assert not re.search(r"\((?:Ireland|Sweden|Luxembourg|Germany)\)", text)
    assert ruleset.authority("it-garante").lodge_with("it") == "al Garante per la protezione dei dati personali"  # type: ignore[union-attr]
    assert ruleset.authority("se-imy").name("en") == "Swedish Authority for Privacy Protection (IMY)"  # type: ignore[union-attr]
    for platform in ruleset.platforms:
        assert ruleset.authority(platform.lead_authority) is not None, platform.id
    countries = {a.country for a in ruleset.authorities}
    assert {"IE", "IT", "DE", "FR", "ES", "NL", "LU", "SE"} <= countries


def test_lead_authority_is_named_in_the_reply_language(ruleset: Ruleset) -> None:
    """Spotify's lead authority is IMY; Amazon's the CNPD, in French by its official French name."""
    en = render("rejection.en", sample_context("rejection", "en", ruleset.platform("spotify"), ruleset=ruleset))
    assert "with the Swedish Authority for Privacy Protection (IMY)" in unflow(en)
    fr = render("rejection.fr", sample_context("rejection", "fr", ruleset.platform("amazon"), ruleset=ruleset))
    assert "auprès de la Commission nationale pour la protection des données (CNPD)" in fr


def test_dates_come_from_babel() -> None:
    """Month names and order per language; the first of the month is an ordinal in French and Italian."""
    day = date(2025, 3, 1)
    assert [format_date(day, lang) for lang in ("en", "de", "es", "fr", "it")] == [
        "1 March 2025",
        "1. März 2025",
        "1 de marzo de 2025",
        "1er mars 2025",
        "1º marzo 2025",
    ]
    assert format_date(date(2025, 2, 8), "it") == "8 febbraio 2025"


def test_italian_dates_take_the_right_article(ruleset: Ruleset) -> None:
    """ "entro l'8 febbraio", "entro il 2 febbraio": never "il 8"."""
    text = _render("rejection", "", "it", R.OBJECTION, ruleset)
    assert "entro l'8 febbraio 2025" in text
    assert "il 8" not in text


def test_lcfirst_keeps_acronyms_and_i() -> None:
    """A statement after a colon starts lower-case, unless its first word is 'I' or an acronym."""
    assert lcfirst("The data") == "the data"
    assert lcfirst("I am a journalist") == "I am a journalist"
    assert lcfirst("GDPR rights") == "GDPR rights"


def test_template_for_variants() -> None:
    """The verdict's variant picks the template; unknown variants are an error, not a wrong reply."""
    assert template_for(Category.REJECTION, "legal_basis", "de") == "rejection.de"
    assert template_for(Category.ACCEPTANCE, "already_done", "it") == "already_done.it"
    assert template_for(Category.ACKNOWLEDGEMENT, "extension_no_reasons", "fr") == "extension.fr"
    assert template_for(Category.REJECTION, "fee", "es") == "fee.es"
    assert template_for(Category.CLARIFICATION, "", "en") == "clarification.en"
    with pytest.raises(TemplateError):
        template_for(Category.REJECTION, "whatever", "en")


# --- format=flowed ---------------------------------------------------------------------------------


def test_flowed_round_trip_and_width() -> None:
    """Paragraphs are wrapped under 72 columns with soft breaks; unflow gives the text back exactly."""
    text = "Dear team,\n\n" + "word " * 60 + "end.\n\nFrom here on\n\n> quoted " + "x" * 90 + "\n\nKind regards,\nAda\n"
    wrapped = flowed(text)
    assert all(len(line) <= 72 for line in wrapped.splitlines() if not line.startswith(">"))
    assert " From here on" in wrapped  # space-stuffed (RFC 3676 §4.4)
    assert "Kind regards,\nAda\n" in wrapped  # hard breaks kept
    assert unflow(wrapped).strip() == text.strip()


def _message(sender: str = "privacy@support.whatsapp.com", text: str = "Please tell us more.") -> Message:
    return Message(
        sender=Address("WhatsApp", sender),
        reply_to=(),
        to=(Address("", SAMPLE_IDENTITY.email),),
        cc=(),
        subject="Ihre Anfrage – Widerspruch gegen die Verarbeitung personenbezogener Daten für KI-Training (#123)",
        message_id="<m1@support.whatsapp.com>",
        in_reply_to="",
        references=(),
        date="Sat, 25 Jan 2025 10:00:00 +0000",
        new_text=text,
        full_text=text,
    )


def _reply(ruleset: Ruleset, category: Category, lang: str, **kw: object) -> Reply:
    verdict = Verdict(category, "whatsapp", lang, 1.0, "t", variant=str(kw.pop("variant", "")))
    action = Action(ActionKind.REPLY, "t", template=f"{category}.{lang}", language=lang, to=str(kw.pop("to", "")))
    return compose(
        action,
        _message(),
        verdict,
        SAMPLE_IDENTITY,
        ruleset.platform("whatsapp"),
        now=NOW,
        authorities=ruleset.authorities,
        **kw,  # type: ignore[arg-type]
    )


def _compose(ruleset: Ruleset, category: Category, lang: str, **kw: object) -> email.message.EmailMessage:
    parsed = email.message_from_bytes(_reply(ruleset, category, lang, **kw).raw, policy=email.policy.strict)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def test_reply_is_format_flowed_with_a_clean_subject(ruleset: Ruleset) -> None:
    """Content-Type carries format=flowed; every line fits; the encoded Subject starts on its own line."""
    raw = _reply(ruleset, Category.REQUEST_INFO, "de").raw
    parsed = email.message_from_bytes(raw, policy=email.policy.strict)
    assert isinstance(parsed, email.message.EmailMessage)
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_param("format") == "flowed"
    assert parsed.get_param("delsp") == "no"
    assert parsed.get_content_charset() == "utf-8"
    first_line = re.search(rb"^Subject:(.*)$", raw, re.M)
    assert first_line is not None
    assert first_line.group(1).strip(), "Subject: header with an empty first line"
    assert parsed["Subject"].startswith("Re: Ihre Anfrage")
    body = parsed.get_content()
    assert all(len(line) <= 72 for line in body.splitlines() if not line.startswith(">"))
    assert "Art. 21 Abs. 1 DSGVO" in unflow(body)


def test_case_decides_the_reply(ruleset: Ruleset) -> None:
    """An access request asked 'which account?' gets an Art. 15 answer naming the account, not Art. 21."""
    case = CaseInfo(types=(R.ACCESS,), request_date=date(2025, 1, 10), due=date(2025, 2, 10), account="+39 333 1")
    body = unflow(_compose(ruleset, Category.REQUEST_INFO, "en", case=case).get_content())
    assert "Art. 15 GDPR" in body
    assert "Art. 21(1)" not in body
    assert "+39 333 1" in body
    assert "10 February 2025" in body
    assert "10 January 2025" in body
    default = unflow(_compose(ruleset, Category.REQUEST_INFO, "en").get_content())
    assert "Art. 21(1) GDPR" in default
    assert "25 February 2025" in default


def test_variant_refines_the_category_template(ruleset: Ruleset) -> None:
    """decide's default template (category.lang) is refined by the variant; the Message-ID follows it."""
    plain = _compose(ruleset, Category.REJECTION, "en")
    fee = _compose(ruleset, Category.REJECTION, "en", variant="fee")
    assert "Art. 12(5) GDPR" in unflow(fee.get_content())
    assert "Art. 12(5)" not in unflow(plain.get_content())
    assert fee["Message-ID"] != plain["Message-ID"]


def test_form_only_controller_gets_a_draft_to_the_person(ruleset: Ruleset) -> None:
    """Where the controller only takes a web form, the draft goes to the person with the form first."""
    parsed = _compose(
        ruleset, Category.CLARIFICATION, "it", to=SAMPLE_IDENTITY.email, form_url="https://example.org/privacy-form"
    )
    assert parsed["To"] == SAMPLE_IDENTITY.email
    assert parsed.get_content().splitlines()[0] == "Modulo web: https://example.org/privacy-form"


# --- where the draft goes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "If you have questions, reply directly to this email.",
        "Per qualsiasi domanda, Rispondi direttamente a questa e-mail.",
        "Bei Fragen antworten Sie direkt auf diese E-Mail.",
        "Pour toute question, répondez directement à cet e-mail.",
        "Si tiene preguntas, responde directamente a este correo.",
    ],
)
def test_asks_email_reply_in_five_languages(text: str) -> None:
    """The no-reply sender's own invitation to answer by e-mail is recognised in every language."""
    assert asks_email_reply(text)
    assert asks_email_reply(text.replace(" ", "\n", 3))


def test_asks_email_reply_is_not_fooled() -> None:
    """'Do not reply to this e-mail' is no invitation."""
    assert not asks_email_reply("This mailbox is not monitored. Please do not reply.")
    assert not asks_email_reply("Non rispondere a questa e-mail.")


def test_reply_target_order(ruleset: Ruleset) -> None:
    """Sender that takes replies → itself; no-reply that asks → itself; else the privacy contact; else the form."""
    whatsapp, spotify = ruleset.platform("whatsapp"), ruleset.platform("spotify")
    person = SAMPLE_IDENTITY.email
    ok = _message("privacy-ops@support.whatsapp.com")
    assert reply_target(ok, whatsapp, False, person=person) == ("privacy-ops@support.whatsapp.com", None)
    noreply = _message("no-reply@mail.instagram.com")
    assert reply_target(noreply, ruleset.platform("instagram"), True, person=person) == (
        "no-reply@mail.instagram.com",
        None,
    )
    assert reply_target(_message("no-reply@spotify.com"), spotify, False, person=person) == (
        "privacy@spotify.com",
        None,
    )
    to, form = reply_target(_message("noreply@mail.instagram.com"), ruleset.platform("instagram"), False, person=person)
    assert to == person
    assert form
    assert form.startswith("https://")
    assert reply_target(_message("noreply@example.org"), None, False, person=person) == (person, None)


def test_every_platform_records_a_contact_or_form(ruleset: Ruleset) -> None:
    """rules/platforms gives each platform's documented privacy contact or web form."""
    for platform in ruleset.platforms:
        assert platform.privacy_contact or platform.privacy_form.startswith("https://"), platform.id


# --- mailbot check warnings -------------------------------------------------------------------------


def test_check_warns_when_the_statement_is_unset(tmp_path: Path) -> None:
    """Without [identity] statement the generic situation goes out: `check` says so; with one it is quiet."""
    config = tmp_path / "config.toml"
    config.write_text('[identity]\nname = "Ada Example"\nemail = "ada@example.org"\n')
    config.chmod(0o600)
    assert any("statement" in w for w in config_warnings(config))
    config.write_text('[identity]\nname = "Ada Example"\nemail = "ada@example.org"\nstatement = "I am a nurse."\n')
    assert config_warnings(config) == []


def test_quote_and_options_untouched(ruleset: Ruleset) -> None:
    """A sent reply still never quotes the stranger (the lead's rule), and a draft quotes below the reply."""
    sent = _compose(ruleset, Category.REJECTION, "en", options=ReplyOptions(auto_submitted=True))
    draft = _compose(ruleset, Category.REJECTION, "en")
    assert "> Please tell us more." not in sent.get_content()
    assert "> Please tell us more." in draft.get_content()


def test_confirm_days_is_fourteen() -> None:
    """The period given after a refusal (documented in the README)."""
    assert CONFIRM_DAYS == 14


# --- the complaint (Art. 77) --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_complaint_states_facts_provisions_and_requests(lang: str, ruleset: Ruleset) -> None:
    """The complaint, in the authority's language: request and date, each answer, the missed deadline, the
    refusal's reasons, the provisions infringed (listed ones only), what is asked, the evidence."""
    for request in RequestType:
        complaint = sample_complaint(lang, ruleset, request=request)
        text = complaint.text
        assert complaint.language == lang
        cited = citations(text, lang)
        assert {BASE[request], "12(3)", "12(4)", "12(2)", "77"} <= cited, (request, cited)
        assert cited <= LISTED
        assert len(ANY_ARTICLE.findall(text)) == len(re.findall(CITATION[lang], text)), text
        assert format_date(date(2025, 1, 2), lang) in text  # the request
        assert format_date(date(2025, 2, 2), lang) in text  # the deadline missed
        assert "We rely on our legitimate interests." in text  # the refusal's reasons, verbatim
        assert "01-2025-01-10-0000.eml" in text
        assert "+39 333 000 0000" in text
        assert "77" in complaint.subject
        for pattern in FORBIDDEN["any"]:
            assert not re.search(pattern, text, re.MULTILINE), (pattern, text)


def _state_with_case(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A state file with one refused case, its messages as .eml files, and a configuration."""
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
    mails = tmp_path / "mail"
    mails.mkdir()
    for uid, (mid, category, day, text) in enumerate(
        [
            ("<ask-1@support.whatsapp.com>", "request_info", "10 Jan 2025", "Which processing do you object to?"),
            ("<no-1@support.whatsapp.com>", "rejection", "20 Feb 2025", "We have compelling grounds; no change."),
        ],
        start=1,
    ):
        store.record_message(
            ("INBOX", 1, uid),
            status="done",
            message_id=mid,
            sender="privacy@support.whatsapp.com",
            subject="Re: Objection",
            category=category,
            platform="whatsapp",
            evidence=["phrase"],
            case_id=case.id,
        )
        store.add_to_case(case.id, mid, category, at=date(2025, 1, 10), closes=False)
        (mails / f"{uid}.eml").write_bytes(
            (
                f"From: WhatsApp <privacy@support.whatsapp.com>\r\nTo: ada@example.org\r\nSubject: Re: Objection\r\n"
                f"Date: {day} 10:00:00 +0000\r\nMessage-ID: {mid}\r\n\r\n{text}\r\n"
            ).encode()
        )
    (mails / "other.eml").write_bytes(b"Message-ID: <unrelated@example.org>\r\n\r\nnot in the case\r\n")
    store.close()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[identity]\nname = "Ada Example"\nemail = "ada@example.org"\ncountry = "IT"\n'
        f'[identity.accounts]\nwhatsapp = "+39 333 000 1111"\n[state]\npath = "{state}"\n'
    )
    config.chmod(0o600)
    return state, mails, config


def test_complaint_command_writes_a_form_folder_for_the_lead_authority(tmp_path: Path) -> None:
    """The DPC takes complaints by web form: a folder with the text (form address first) and the .eml files."""
    _, mails, config = _state_with_case(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["complaint", "1", "--config", str(config), "--messages", str(mails), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = (out / "complaint.txt").read_text()
    assert text.splitlines()[0] == "https://forms.dataprotection.ie/contact"
    assert "We have compelling grounds; no change." in text  # the refusal's reasons, from its message
    assert "20 February 2025" in text
    assert "2 January 2025" in text
    emls = sorted(p.name for p in out.glob("*.eml"))
    assert len(emls) == 2
    assert all(b"unrelated" not in (out / n).read_bytes() for n in emls)


def test_complaint_command_drafts_an_email_to_an_authority_that_takes_them(tmp_path: Path) -> None:
    """--authority home with [identity] country = IT: an Italian draft to the Garante with the messages attached."""
    _, mails, config = _state_with_case(tmp_path)
    out = tmp_path / "complaint.eml"
    args = [
        "complaint",
        "1",
        "--authority",
        "home",
        "--config",
        str(config),
        "--messages",
        str(mails),
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    draft = email.message_from_bytes(out.read_bytes(), policy=email.policy.strict)
    assert isinstance(draft, email.message.EmailMessage)
    assert draft["To"] == "protocollo@gpdp.it"
    assert draft["Subject"].startswith("Reclamo ai sensi dell'art. 77 del GDPR")
    body = draft.get_body(("plain",))
    assert body is not None
    assert body.get_param("format") == "flowed"
    text = unflow(body.get_content())
    assert "art. 21, par. 1, del GDPR" in text
    assert "+39 333 000 1111" in text  # the account the controller knows the person by
    attached = [part.get_filename() for part in draft.iter_attachments()]
    assert len(attached) == 2
    assert all(name and name.endswith(".eml") for name in attached)


def test_complaint_command_refuses_unknown_case_and_authority(tmp_path: Path) -> None:
    """A wrong id or authority is a usage error (exit 1) that names what exists."""
    _, _, config = _state_with_case(tmp_path)
    result = CliRunner().invoke(cli, ["complaint", "7", "--config", str(config)])
    assert result.exit_code == 1
    assert "no case 7" in result.output
    result = CliRunner().invoke(cli, ["complaint", "1", "--authority", "xx-nope", "--config", str(config)])
    assert result.exit_code == 1
    assert "it-garante" in result.output


# The wordings issue 14 found, as the old templates had them: each forbidden pattern must catch its own.
OLD_WORDINGS = {
    "en": [
        "processing on the basis of your legitimate interests, in particular its use to develop",
        "Compliance with the GDPR is not a matter of explanation.",
        "thank you for your reply.",
        "Art. 12(4) GDPR obliges you to tell me the reasons within one month of receiving it",
    ],
    "de": [
        "ich muss nicht begründen, warum meinem Widerspruch stattzugeben ist",
        "als auch künftig erhobene Daten erfasst",
        "zu erleichtern, nicht, sie von Fragebögen abhängig zu machen",
        "insbesondere ihre Verwendung zur Entwicklung",
        "Die Beweislast liegt bei Ihnen, und Ihre Nachricht wird ihr nicht gerecht.",
        "werde ich nach Art. 77 DSGVO Beschwerde bei der Aufsichtsbehörde einlegen",
        "Die Einhaltung der DSGVO ist keine Frage der Erklärung.",
        "müssen Sie mir binnen eines Monats nach Eingang die Gründe dafür mitteilen",
    ],
    "it": [
        "indicatemi quale e quale informazione",
        "L'onere della prova è vostro e la vostra risposta non lo soddisfa.",
        "Il rispetto del GDPR non è una questione di spiegazioni.",
        "2. In che modo mi riguarda e la mia situazione particolare: I miei post",
        "vi obbliga a comunicarmene i motivi entro un mese dal ricevimento",
    ],
    "fr": [
        "La charge de la preuve vous incombe, et votre message ne la satisfait pas.",
        "je me réserve le droit à un recours juridictionnel effectif",
        "bien plus de données que ce but ne l'exige",
        "Le respect du RGPD n'est pas une affaire d'explications.",
        "2. En quoi il me concerne: Mes publications",
        "2. En quoi il me concerne, et ma situation particulière : Mes publications",
        "vous oblige à m'en indiquer les motifs dans un délai d'un mois",
    ],
    "es": [
        "La carga de la prueba es suya, y su mensaje no la cumple.",
        "y que lo comuniquen a cada destinatario al que se hayan comunicado",
        "Cumplir el RGPD no es una cuestión de explicaciones.",
        "2. Cómo me afecta y cuál es mi situación particular: Mis publicaciones",
        "les obliga a informarme de los motivos en el plazo de un mes",
    ],
    "any": [
        "a complaint with the Data Protection Commission (Ireland) under",
        "with the Integritetsskyddsmyndigheten (IMY, Sweden)",
        "with the Integritetsskyddsmyndigheten",
        "presso la Data Protection Commission irlandese",
        "Dear {{ platform_name }} {% if x %}",
        "None",
        "ref. ()",
        "a space , before a comma",
        "My posts, photos and messages describe my private life",
    ],
}


@pytest.mark.parametrize("lang", [*SUPPORTED_LANGUAGES, "any"])
def test_each_forbidden_pattern_catches_the_old_wording(lang: str) -> None:
    """The forbidden list is not dead: every pattern matches the wording it was written against."""
    for pattern in FORBIDDEN[lang]:
        assert any(re.search(pattern, old, re.MULTILINE) for old in OLD_WORDINGS[lang]), pattern


def test_complaint_is_proposed_after_a_refusal_or_an_expired_deadline() -> None:
    """A refusal or a missed deadline proposes the complaint; an accepted or closed case does not."""
    today = date(2025, 3, 1)
    assert proposes_complaint("open", "rejection", date(2025, 4, 1), today)
    assert proposes_complaint("open", "request_info", date(2025, 2, 1), today)
    assert not proposes_complaint("open", "request_info", date(2025, 4, 1), today)
    assert not proposes_complaint("closed", "acceptance", date(2025, 2, 1), today)
    assert not proposes_complaint("open", "acknowledgement", None, today)


def test_reply_target_ignores_a_reply_to_outside_the_controller(ruleset: Ruleset) -> None:
    """A stranger's Reply-To never chooses where the draft goes; one within the controller's domains does."""
    whatsapp = ruleset.platform("whatsapp")
    outside = replace(_message("privacy-ops@support.whatsapp.com"), reply_to=(Address("", "evil@example.net"),))
    assert reply_target(outside, whatsapp, False, person="ada@example.org")[0] == "privacy-ops@support.whatsapp.com"
    inside = replace(outside, reply_to=(Address("", "case-7@support.whatsapp.com"),))
    assert reply_target(inside, whatsapp, False, person="ada@example.org")[0] == "case-7@support.whatsapp.com"


# Issue 10: a deadline that has passed is written as expired, never as running. Each pattern is a running form
# a reply used before (checked against RUNNING_WORDINGS below).
FORBIDDEN_WHEN_EXPIRED = {
    "en": [r"at the latest by", r"\bends on", r"by then"],
    "de": [r"spätestens aber bis zum", r"\bendet am", r"endet weiterhin", r"Anliegen bis dahin"],
    "it": [
        r"comunque entro (?:il |l')\d",
        r"continua a decorrere",
        r"scade (?:comunque )?(?:il |l')\d",
        r"entro tale data",
    ],
    "fr": [r"et au plus tard le", r"qui expire le", r"expire toujours le", r"demande d'ici là"],
    "es": [r"y, a más tardar, el", r"que vence el", r"sigue venciendo el", r"antes de esa fecha"],
}
RUNNING_WORDINGS = {
    "en": [
        "please complete your answer without undue delay and at the latest by 2 February 2025 (Art. 12(3) GDPR).",
        "it does not stop the period of Art. 12(3) GDPR, which ends on 2 February 2025.",
        "Please act on my request by then and confirm in writing",
    ],
    "de": [
        "und zwar unverzüglich, spätestens aber bis zum 2. Februar 2025 (Art. 12 Abs. 3 DSGVO).",
        "hemmt sie die Frist nach Art. 12 Abs. 3 DSGVO nicht; diese endet am 2. Februar 2025.",
        "und die Frist endet weiterhin am 2. Februar 2025.",
        "Bitte kommen Sie meinem Anliegen bis dahin nach",
    ],
    "it": [
        "senza ingiustificato ritardo e comunque entro il 2 febbraio 2025 (art. 12, par. 3, del GDPR).",
        "il termine di cui all'art. 12, par. 3, del GDPR continua a decorrere e scade il 2 febbraio 2025.",
        "il termine scade comunque l'8 febbraio 2025.",
        "Vi chiedo di dare seguito alla mia richiesta entro tale data",
    ],
    "fr": [
        "dans les meilleurs délais et au plus tard le 2 février 2025 (article 12, paragraphe 3, du RGPD).",
        "il ne suspend pas le délai prévu à l'article 12, paragraphe 3, du RGPD, qui expire le 2 février 2025.",
        "et le délai expire toujours le 2 février 2025.",
        "Je vous prie de donner suite à ma demande d'ici là",
    ],
    "es": [
        "sin dilación indebida y, a más tardar, el 2 de febrero de 2025 (artículo 12, apartado 3, del RGPD).",
        "no interrumpe el plazo del artículo 12, apartado 3, del RGPD, que vence el 2 de febrero de 2025.",
        "y el plazo sigue venciendo el 2 de febrero de 2025.",
        "Les ruego que den curso a mi solicitud antes de esa fecha",
    ],
}
# The passed deadline with its date: "expired on <date>", or the reminder's and complaint's "<date>. That period
# has passed". `{d}` is the formatted due date.
EXPIRED_WORDING = {
    "en": [r"expired on {d}", r"by {d}\. That (?:period|date) has passed"],
    "de": [r"am {d} abgelaufen", r"bis zum {d}[^.]*\. Diese Frist ist verstrichen"],
    "it": [r"scaduto (?:il |l'){d}", r"entro (?:il |l'){d}[^.]*\. (?:Il|Tale) termine è scaduto"],
    "fr": [r"expiré le {d}", r"au plus tard le {d}[^.]*\. Ce délai est expiré"],
    "es": [r"venció el {d}", r"el {d}[^.]*\. Ese plazo ha vencido"],
}
PAST_DUE = date(2025, 2, 2)  # one month after the request of 2 January 2025, long before the reply


def _render_case(name: str, variant: str, lang: str, request: RequestType, ruleset: Ruleset, *, expired: bool) -> str:
    """A reply for a case whose Art. 12(3) due date has passed (expired) or is taken as still running."""
    platform = ruleset.platform("whatsapp")
    context = template_context(
        identity=SAMPLE_IDENTITY,
        platform=platform,
        verdict=Verdict(Category(_category(name)), "whatsapp", lang, 1.0, "test", ticket="T-1", variant=variant),
        lang=lang,
        received=date(2025, 3, 10),
        options=ReplyOptions(),
        case=CaseInfo(types=(request,), request_date=date(2025, 1, 2), due=PAST_DUE, expired=expired),
        authority=lead_authority(platform, ruleset.authorities),
    )
    return render(f"{name}.{lang}", context)


def _says_expired(text: str, lang: str) -> bool:
    day = re.escape(format_date(PAST_DUE, lang))
    return any(re.search(pattern.format(d=day), text) for pattern in EXPIRED_WORDING[lang])


def _says_running(text: str, lang: str) -> bool:
    return any(re.search(pattern, text) for pattern in FORBIDDEN_WHEN_EXPIRED[lang])


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(("name", "variant"), TEMPLATES)
def test_expired_deadline_is_written_as_expired(name: str, variant: str, lang: str, ruleset: Ruleset) -> None:
    """Past the due date no reply writes the Art. 12(3) period as running, and every reply that speaks of the
    deadline says it expired on that date; the citations stay as they were."""
    day = format_date(PAST_DUE, lang)
    for request in RequestType:
        text = _render_case(name, variant, lang, request, ruleset, expired=True)
        for pattern in FORBIDDEN_WHEN_EXPIRED[lang] + FORBIDDEN["any"]:
            assert not re.search(pattern, text, re.MULTILINE), (pattern, request, text)
        if day in text:
            assert _says_expired(text, lang), (request, text)
        running = _render_case(name, variant, lang, request, ruleset, expired=False)
        assert (day in text) == (day in running), (request, text)
        assert citations(text, lang) == citations(running, lang), (request, text)
        for line in flowed(text).splitlines():
            assert len(line) <= 72 or " " not in line.strip(), line


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize(("name", "variant"), TEMPLATES)
def test_running_deadline_is_written_as_running(name: str, variant: str, lang: str, ruleset: Ruleset) -> None:
    """Before the due date a reply that names it sets it as the time limit, and says nothing has expired.
    The reminder is sent only once the deadline has passed, so it always writes it as passed."""
    if name == "reminder":
        return
    day = format_date(PAST_DUE, lang)
    for request in RequestType:
        text = _render_case(name, variant, lang, request, ruleset, expired=False)
        if day in text:
            assert _says_running(text, lang), (request, text)
            assert not _says_expired(text, lang), (request, text)


def test_deadline_wording_reaches_the_templates_that_name_it(ruleset: Ruleset) -> None:
    """The two tests above are not vacuous: these replies name the due date, in every language."""
    for lang in SUPPORTED_LANGUAGES:
        day = format_date(PAST_DUE, lang)
        for name in ("acceptance", "already_done", "clarification", "extension", "fee", "identity_check"):
            request = R.ACCESS if name == "acceptance" else R.OBJECTION
            assert day in _render_case(name, "", lang, request, ruleset, expired=True), (name, lang)
        assert day in _render_case("request_info", "", lang, R.ACCESS, ruleset, expired=True), lang
        assert day in _render_case("reminder", "", lang, R.ACCESS, ruleset, expired=True), lang


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_complaint_writes_the_missed_deadline_as_expired(lang: str, ruleset: Ruleset) -> None:
    """The complaint (always about an overdue or refused case) names the missed date as passed, never running."""
    text = sample_complaint(lang, ruleset).text
    assert _says_expired(text, lang), text
    assert not _says_running(text, lang), text


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_each_running_pattern_catches_the_running_wording(lang: str) -> None:
    """The FORBIDDEN_WHEN_EXPIRED list is not dead: every pattern matches a running form the templates write,
    and none matches the expired form."""
    for pattern in FORBIDDEN_WHEN_EXPIRED[lang]:
        assert any(re.search(pattern, running) for running in RUNNING_WORDINGS[lang]), pattern
    for running in RUNNING_WORDINGS[lang]:
        assert _says_running(running, lang), running


def test_complaint_without_the_messages_dates_them_by_their_mail_and_leaves_unsent_drafts_out(tmp_path: Path) -> None:
    """Without --messages the controller's messages are dated as filed (their Date), never by the day mailbot
    read them; a draft mailbot wrote is no reply of the person's until it is found sent."""
    from mailbot.models import DeliveryMode, DeliveryStatus

    state, _, config = _state_with_case(tmp_path)
    store = Store(state)
    draft = "<mailbot.draft1@example.org>"
    store.begin_reply(draft, "<ask-1@support.whatsapp.com>", 1, "request_info.en", DeliveryMode.DRAFT)
    store.finish_reply(draft, DeliveryStatus.DELIVERED)
    store.close()
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["complaint", "1", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join((out / "complaint.txt").read_text().split())
    facts = text.split("1. Facts", 1)[1].split("2. Provisions", 1)[0]
    assert "10 January 2025: The controller asked for further information" in facts
    assert format_date(datetime.now(UTC).date(), "en") not in facts
    assert "I replied to the controller" not in facts
