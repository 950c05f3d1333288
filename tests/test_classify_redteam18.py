"""Classifier red team 18: lookalikes of round 15's rules (links, one-line outcomes, failed removals, promises)."""

from __future__ import annotations

import pytest
from conftest import store_reply, team_reply

from mailbot.classify import classify
from mailbot.models import Category, Message
from mailbot.rules import Ruleset, bundled_rules


@pytest.fixture(scope="module")
def ruleset(rules_alone: Ruleset) -> Ruleset:
    """These tests pin what the rules decide; the text model's second opinion is tested in test_textmodel.py."""
    return rules_alone


LANGS = ["en", "it", "de", "fr", "es"]


def _reply(text: str, subject: str = "Re: Delete my account") -> Message:
    """A team's reply inside a case, under a subject that names a request."""
    return store_reply(text, subject)


def _platform_notice(text: str, subject: str) -> Message:
    """A built-in platform's mail that answers nothing (no thread)."""
    return team_reply(text, subject, "noreply@meta.com", "Meta", in_case=False)


REMOVED_FROM_FAMILY_PLAN = [
    "The manager of your Streamly Family plan has removed your account from the plan. Your playlists are unchanged.",
    "Il titolare del piano Famiglia ha rimosso il tuo account dal piano. Le tue playlist restano invariate.",
    "Dein Konto wurde vom Organisator aus der Familiengruppe entfernt. Dein eigenes Konto bleibt bestehen.",
    "Le gestionnaire de l'abonnement Famille vous a retiré de l'abonnement Famille. Vos playlists ne changent pas.",
    "El administrador del plan Familiar te ha eliminado del plan familiar. Tus listas no cambian.",
]


@pytest.mark.parametrize("text", REMOVED_FROM_FAMILY_PLAN, ids=LANGS)
def test_removed_from_a_family_plan_is_no_erasure(text: str, ruleset: Ruleset) -> None:
    """The plan's owner took the account off a shared plan: nothing of the person's was deleted."""
    for message, known in ((_reply(text, "Your Family plan"), True), (_platform_notice(text, "Family plan"), False)):
        verdict = classify(message, ruleset, known_thread=known)
        assert verdict.category is Category.UNRELATED, verdict.evidence


CONFIRM_SOMETHING_NEW = [
    "You asked to change the email address on your Fitline account.\n\nTo finish, enter this code in the app: 482913",
    "Grazie per esserti registrato. Per attivare il tuo nuovo account, conferma il tuo indirizzo e-mail cliccando sul "
    "link qui sotto:\n\nhttps://libreria.example/attiva?t=77de",
    "Gracias por suscribirte. Haz clic en el enlace de abajo para confirmar tu suscripción al boletín.",
]


@pytest.mark.parametrize("text", CONFIRM_SOMETHING_NEW, ids=["en", "it", "es"])
def test_a_link_or_code_for_something_new_is_no_identity_check(text: str, ruleset: Ruleset) -> None:
    """An e-mail change's code or a new sign-up's link in a case's thread proves nothing for the request."""
    verdict = classify(_reply(text, "Please confirm"), ruleset, known_thread=True)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence


def test_click_to_confirm_a_new_address_is_no_identity_check(ruleset: Ruleset) -> None:
    text = "Please click the link below to confirm your new email address: https://shop.example/confirm?t=1"
    verdict = classify(_reply(text, "Confirm your address"), ruleset, known_thread=True)
    assert verdict.category is not Category.IDENTITY_CHECK, verdict.evidence


DELETION_CODES = [
    "We got your request to close your account. To finish, type this code into the app: 55-KQ-19.",
    "Hai chiesto di chiudere l'account. Per completare, inserisci questo codice nell'app: 55-KQ-19.",
    "Sie haben die Löschung Ihres Kontos beantragt. Zum Abschluss geben Sie bitte diesen Code in der App ein: 5519.",
    "Vous avez demandé la clôture de votre compte. Pour terminer, saisissez ce code dans l'application : 5519.",
    "Has solicitado eliminar tu cuenta. Para terminar, introduce este código en la aplicación: 5519.",
]


@pytest.mark.parametrize("text", DELETION_CODES, ids=LANGS)
def test_a_deletion_code_stays_an_identity_check(text: str, ruleset: Ruleset) -> None:
    """Control: the code finishes the closing the person asked for."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


def test_deletion_of_the_account_named_before_abzuschliessen_is_an_identity_check(ruleset: Ruleset) -> None:
    text = "Um die Löschung Ihres Kontos abzuschließen, klicken Sie bitte auf den folgenden Link: https://x.example/l"
    verdict = classify(_reply(text, "Re: Löschung meines Kontos"), ruleset, known_thread=True)
    assert verdict.category is Category.IDENTITY_CHECK, verdict.evidence


NO_LONGER_RECEIVE_SOMETHING_ELSE = [
    "Dal prossimo mese non riceverà più la bolletta cartacea: la troverà nella sua area clienti.",
    "Vous ne recevrez plus le magazine papier : il sera disponible uniquement en ligne.",
    "Ya no recibirás más notificaciones de seguimiento sobre este envío.",
    "Sie erhalten ab sofort keine gedruckte Rechnung mehr, sondern eine PDF-Rechnung per E-Mail.",
]


@pytest.mark.parametrize("text", NO_LONGER_RECEIVE_SOMETHING_ELSE, ids=["it", "fr", "es", "de"])
def test_no_longer_receive_a_paper_bill_or_a_parcels_notices_is_no_opt_out(text: str, ruleset: Ruleset) -> None:
    """A paper bill, a magazine or a shipment's notices stopped is a service change, not the opt-out asked for."""
    verdict = classify(_reply(text, "Re: Opposizione"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


NO_LONGER_RECEIVE_MARKETING = [
    "You will no longer receive marketing emails from us.",
    "Non riceverà più comunicazioni di marketing da parte nostra.",
    "Sie erhalten ab sofort keine Werbe-E-Mails mehr von uns.",
    "Vous ne recevrez plus nos e-mails promotionnels.",
    "Ya no recibirá más comunicaciones comerciales.",
]


@pytest.mark.parametrize("text", NO_LONGER_RECEIVE_MARKETING, ids=LANGS)
def test_no_longer_receive_marketing_stays_an_acceptance(text: str, ruleset: Ruleset) -> None:
    """Control: the opt-out itself."""
    verdict = classify(_reply(text, "Re: Unsubscribe"), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


def test_a_newsletter_opt_in_in_a_case_is_no_promise(ruleset: Ruleset) -> None:
    """'If you did not sign up, ignore this e-mail and you will not hear from us again' promises nothing."""
    text = (
        "Thanks for signing up to our newsletter! Please confirm your subscription below.\n\n"
        "If you did not sign up, simply ignore this email and you will not hear from us again."
    )
    verdict = classify(_reply(text, "Please confirm your subscription"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


HONOURED_SOMETHING_ELSE = [
    "We received your return request and we will honour it under our 30-day guarantee.",
    "The seller confirmed: we will honour the original price of your order.",
    "We'll honour your voucher even though it expired last week.",
]


@pytest.mark.parametrize("text", HONOURED_SOMETHING_ELSE, ids=["return", "price", "voucher"])
def test_honouring_a_return_a_price_or_a_voucher_is_no_acceptance(text: str, ruleset: Ruleset) -> None:
    verdict = classify(_reply(text, "Re: My request"), ruleset, known_thread=True)
    assert verdict.category is not Category.ACCEPTANCE, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "We received your deletion request and we will honour it.",
        "We have reviewed your objection and we will honour it.",
    ],
    ids=["deletion", "objection"],
)
def test_honouring_the_request_stays_an_acceptance(text: str, ruleset: Ruleset) -> None:
    """Control."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.ACCEPTANCE, verdict.evidence


CART_ITEM_NOT_REMOVED = [
    "One item could not be removed from your cart because it is part of a bundle.",
    "Non è stato possibile rimuovere l'articolo dal carrello perché l'ordine è già in spedizione.",
    "Ein Artikel konnte leider nicht entfernt werden, da er Teil Ihrer bereits versandten Bestellung ist.",
    "Un article n'a pas pu être retiré de votre panier car il fait partie d'un lot.",
    "No se pudo eliminar un artículo de tu carrito porque forma parte de un pedido ya pagado.",
]


@pytest.mark.parametrize("text", CART_ITEM_NOT_REMOVED, ids=LANGS)
def test_a_cart_item_not_removed_is_no_refusal(text: str, ruleset: Ruleset) -> None:
    """'Could not be removed' about a cart item refuses nothing the person asked of the privacy team."""
    verdict = classify(_reply(text, "Re: My order"), ruleset, known_thread=True)
    assert verdict.category is not Category.REJECTION, verdict.evidence
    notice = classify(_platform_notice(text, "Your cart"), ruleset, known_thread=False)
    assert notice.category is not Category.REJECTION, notice.evidence


def test_data_not_removed_as_not_the_owner_stays_a_refusal(ruleset: Ruleset) -> None:
    """Control."""
    text = "The data could not be removed because you are not the owner of this workspace."
    verdict = classify(_reply(text, "Re: Remove my data"), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


BLOCKED_NOT_POSSIBLE = [
    "Your account is blocked for breaking our rules, so it is not possible to delete it until the ban ends.",
    "Il tuo account è sospeso, quindi non è possibile eliminarlo finché dura la sospensione.",
    "Votre compte est suspendu : il n'est pas possible de le supprimer tant que dure la suspension.",
    "Tu cuenta está bloqueada por incumplir las normas: no es posible eliminarla hasta que finalice el bloqueo.",
]


@pytest.mark.parametrize("text", BLOCKED_NOT_POSSIBLE, ids=["en", "it", "fr", "es"])
def test_a_blocked_account_not_possible_to_delete_is_a_refusal(text: str, ruleset: Ruleset) -> None:
    """The refusal of the deletion outranks the ban's wording inside a case."""
    verdict = classify(_reply(text), ruleset, known_thread=True)
    assert verdict.category is Category.REJECTION, verdict.evidence


def test_changing_the_address_on_an_account_asks_nothing(ruleset: Ruleset) -> None:
    """'the email address on your account' after 'change' names what was changed, not which account is asked."""
    text = "You asked to change the email address on your Fitline account. If this wasn't you, ignore this message."
    verdict = classify(_reply(text, "Your verification code"), ruleset, known_thread=False)
    assert verdict.category is not Category.REQUEST_INFO, verdict.evidence


def test_no_se_pudo_eliminar_is_no_question(ruleset: Ruleset) -> None:
    """'No se pudo eliminar' states a failure; it does not ask whether the person managed it."""
    text = "No se pudo eliminar un artículo de tu carrito porque forma parte de un pedido ya pagado."
    verdict = classify(_platform_notice(text, "Tu carrito"), ruleset, known_thread=False)
    assert verdict.category is not Category.REJECTION, verdict.evidence


@pytest.fixture(scope="module")
def with_model() -> Ruleset:
    """The bundled rules with the text model, as a scan runs them."""
    return bundled_rules()


LOOKALIKES_WITH_THE_MODEL = [
    "Hi Jane,\n\nThe manager of your Streamly Family plan has removed your account from the plan.\n\n"
    "Your account, playlists and saved music are unchanged; you're now on Streamly Free.",
    "Hello,\n\nYou asked to change the email address on your Fitline account.\n\n"
    "To finish, enter this code in the app: 482913\n\nIf you didn't ask for this change, you can ignore this message.",
    "Ciao,\n\ngrazie per esserti registrato su Libreria Esempio.\n\n"
    "Per attivare il tuo nuovo account, conferma il tuo indirizzo e-mail cliccando sul link qui sotto:\n\n"
    "https://libreria.example/attiva?t=77de",
    "Gentile cliente,\n\nla informiamo che dal prossimo mese non riceverà più la bolletta cartacea: "
    "la troverà ogni mese nella sua area clienti, in formato PDF.",
    "Hi Jane,\n\nWe received your return request and we will honour it under our 30-day guarantee. Print the attached "
    "label and drop the parcel at any post office.",
]


@pytest.mark.parametrize(
    "text", LOOKALIKES_WITH_THE_MODEL, ids=["family-plan", "email-code", "activation", "bill", "return"]
)
def test_lookalikes_get_no_reply_with_the_model(text: str, with_model: Ruleset) -> None:
    """Through the whole pipeline (rules and the text model) a lookalike in a case's thread gets no reply."""
    verdict = classify(_reply(text, "Re: Delete my data"), with_model, known_thread=True)
    assert verdict.category not in {Category.ACCEPTANCE, Category.IDENTITY_CHECK, Category.REJECTION}, verdict.evidence


OTHER_MATTERS_IN_A_DELETION_CASE = [
    "Le compte de votre collègue a été désactivé par votre administrateur.",
    "Ihre Lieferadresse können Sie hier selbst ändern: https://shop.example/adresse",
    "To activate your account, click the link below to confirm your email address.",
    "Confirma tu suscripción haciendo clic en el enlace de abajo.",
]


@pytest.mark.parametrize(
    "text", OTHER_MATTERS_IN_A_DELETION_CASE, ids=["colleague", "address", "activate", "suscripcion"]
)
def test_other_matters_in_a_deletion_case_get_no_reply(text: str, ruleset: Ruleset) -> None:
    """A colleague's account, an address to change, a sign-up to confirm: none answers the deletion asked for."""
    verdict = classify(_reply(text, "Re: Delete my data"), ruleset, known_thread=True)
    assert not verdict.category.gets_reply, verdict.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Votre compte a été désactivé.",
        "Ihre Daten können Sie selbst hier löschen: https://shop.example/konto",
        "Please click the link below to verify your email address, so that we know the request is yours.",
    ],
    ids=["fr-own-account", "de-delete-yourself", "en-verify-email"],
)
def test_the_persons_own_matters_still_decide(text: str, ruleset: Ruleset) -> None:
    """Controls: the person's own account, a deletion to do oneself, the registered address to verify."""
    verdict = classify(_reply(text, "Re: Delete my data"), ruleset, known_thread=True)
    assert verdict.category.gets_reply, verdict.evidence


FAMILY_PLAN_BESIDE_ACCOUNT_STAYS = [
    "The manager of your Family plan removed your account from the plan. Your account stays active.",
    "Il titolare del piano Famiglia ha rimosso il tuo account dal piano. Il tuo account resta attivo.",
    "Dein Konto wurde vom Organisator aus der Familiengruppe entfernt. Dein Konto bleibt aktiv.",
    "Le gestionnaire de l'abonnement Famille vous a retiré de l'abonnement Famille. Votre compte reste actif.",
    "El administrador del plan Familiar te ha eliminado del plan familiar. Tu cuenta sigue activa.",
]


@pytest.mark.parametrize("text", FAMILY_PLAN_BESIDE_ACCOUNT_STAYS, ids=LANGS)
def test_a_family_plan_removal_beside_account_stays_is_left_to_the_person(
    text: str, ruleset: Ruleset, with_model: Ruleset
) -> None:
    """'Your account stays active' reads as a partial refusal too: two readings tie, neither rules nor model reply."""
    for rules in (ruleset, with_model):
        verdict = classify(_reply(text, "Re: Delete my data"), rules, known_thread=True)
        assert verdict.category is Category.UNKNOWN, verdict.evidence
