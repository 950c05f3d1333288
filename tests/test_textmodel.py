"""The text model: how it reads a text, that it scores as scikit-learn trained it, its file, and the second opinion."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import MESSAGES, team_reply

from mailbot.checks import run_checks
from mailbot.classify import MODEL_RULE, _evidence, classify, model_text, reviewed, second_opinion
from mailbot.errors import RulesError
from mailbot.models import Category, RuleScore, Verdict
from mailbot.parse import parse
from mailbot.resources import data_dir
from mailbot.rules import Ruleset
from mailbot.textmodel import FILE, Opinion, load_text_model, terms

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = {"not": "not_", "nicht": "not_", "pas": "not_", "n": "not_", "if": "if_", "si": "if_"}
A, R, K, U, Q, ID, N = (
    Category.ACCEPTANCE,
    Category.REJECTION,
    Category.ACKNOWLEDGEMENT,
    Category.UNRELATED,
    Category.REQUEST_INFO,
    Category.IDENTITY_CHECK,
    Category.UNKNOWN,
)


# --- reading a text ------------------------------------------------------------------------------


def test_a_negation_prefixes_the_words_in_its_scope_and_a_full_stop_ends_it() -> None:
    words = terms("We will not honour your objection. We honour requests.", PREFIXES, 2)
    assert words[:6] == ["we", "will", "not", "not_honour", "not_your", "objection"]
    assert "honour" in words[6:]  # the second sentence is read plainly
    assert "not not_honour" in words  # pairs are made of the read words
    assert "honour" not in words[:6]


def test_contractions_and_elisions_negate_and_a_condition_prefixes_too() -> None:
    assert "not_honour" in terms("We can't honour it", PREFIXES, 3)
    assert "not_honour" in terms("We can\u2019t honour it", PREFIXES, 3)  # a typographic apostrophe too
    french = terms("Nous n'avons pas", PREFIXES, 3)
    assert "not_avons" in french  # the French n' opens a scope, "pas" another
    assert "n" not in french
    assert "pas" in french
    assert terms("Si vous objectez: merci", PREFIXES, 4)[:3] == ["si", "if_vous", "if_objectez"]
    # one-letter words are not terms; two letters are
    assert terms("a b ab", PREFIXES, 4) == ["ab"]


def test_a_sentence_end_closes_a_scope_and_an_underscore_word_is_a_word() -> None:
    assert terms("We will not. Honour it", PREFIXES, 4)[:5] == ["we", "will", "not", "honour", "it"]
    assert terms("see _ref_ here", PREFIXES, 4)[:3] == ["see", "_ref_", "here"]


# --- scores as trained ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path, list[str]]:
    """A model trained on the fixtures with the training script's own code, written as the script writes it."""
    # Imported here, not at collection: scikit-learn would add ~100 MB to every test's process.
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_model  # a script, not a package

    paths = sorted(MESSAGES.glob("*/*.eml"))
    rules = dataclasses.replace(train_model.load_rules(), model=None)
    texts = [model_text(rules, parse(p.read_bytes()), 6000) for p in paths]
    labels = [p.parent.name for p in paths]
    keep = [i for i, label in enumerate(labels) if label != "unknown"]
    texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    vectorizer, svm, reading = train_model.fit(texts, labels)
    path = tmp_path_factory.mktemp("model") / FILE
    path.write_text(json.dumps(train_model.export(vectorizer, svm, reading, ["fixtures"])), encoding="utf-8")
    return vectorizer, svm, path, texts


def test_scores_are_scikit_learns_decision_values(small_model: tuple[Any, Any, Path, list[str]]) -> None:
    vectorizer, svm, path, texts = small_model
    model = load_text_model(path)
    unseen = [
        "We will not honour your objection because our legitimate interests prevail.",
        "Please send a copy of your passport so that we can verify your identity.",
        "",
    ]
    for text in [*texts[::7], *unseen]:
        expected = svm.decision_function(vectorizer.transform([text]))[0]
        got = model.scores(text)
        assert list(model.classes) == [Category(c) for c in svm.classes_]
        # The file keeps three decimals of each weight: the sums agree to about that.
        assert got == pytest.approx(list(expected), abs=5e-3)


def test_the_bundled_model_is_what_the_corpus_trains() -> None:
    """Retrain from corpus/ and the fixtures and compare: a changed corpus, reading or rule needs a new model."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_model.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr + "\nrun: python scripts/train_model.py"


# --- the model file ---------------------------------------------------------------------------------


def _model_file(tmp_path: Path, change: dict[str, object]) -> Path:
    data = json.loads((data_dir("rules") / "model" / FILE).read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / FILE
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"classes": ["acceptance"], "intercepts": [0.0]}, "two or more distinct classes"),
        ({"classes": ["acceptance", "maybe"]}, "required"),
        ({"terms": {"scope": 4}}, "required"),
        ({"terms": {"scope": 0, "prefixes": {}}}, "scope"),
        ({"features": {"honour": "1.0 0.5"}}, "'honour' needs a positive idf"),
        ({"features": {"honour": "-1.0 0 0 0 0 0 0 0"}}, "'honour' needs a positive idf"),
        ({"features": {}}, "'features' must map"),
    ],
)
def test_a_broken_model_file_is_one_line_naming_it(tmp_path: Path, change: dict[str, object], says: str) -> None:
    with pytest.raises(RulesError, match=says) as caught:
        load_text_model(_model_file(tmp_path, change))
    assert str(caught.value).startswith(f"model/{FILE}:")
    assert "\n" not in str(caught.value)


def test_the_checks_bound_what_they_check(tmp_path: Path) -> None:
    """Two classes, a scope of one word and an idf below 1 are all a model may have; each check fails alone."""
    two = {"classes": ["acceptance", "rejection"], "intercepts": [0.5, -0.5], "terms": {"scope": 1, "prefixes": {}}}
    model = load_text_model(_model_file(tmp_path, {**two, "features": {"honour": "0.5 1.0 -1.0"}}))
    assert model.scope == 1
    assert model.opinion("honour").category is A
    for change, says in [
        ({"intercepts": [0.5]}, "one intercept each"),
        ({"intercepts": [0.5, float("inf")]}, "intercepts must be finite numbers"),
        ({"features": {"honour": "0 1.0 -1.0"}}, "'honour' needs a positive idf"),
        ({"features": {"honour": "1.0 nan -1.0"}}, "'honour' needs a positive idf"),
    ]:
        with pytest.raises(RulesError, match=says):
            load_text_model(_model_file(tmp_path, {**two, "features": {"honour": "0.5 1.0 -1.0"}, **change}))


def test_a_model_file_that_is_no_object_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(RulesError, match=f"^model/{FILE}: not a JSON object$"):
        load_text_model(path)


def test_the_opinion_is_the_best_class_its_margin_over_the_second_and_that_second(tmp_path: Path) -> None:
    classes = ["acceptance", "rejection", "unrelated"]
    # one feature of idf 1: its tf-idf value is 1 after normalising, so the scores are its weights
    features = {"honour": "1.0 0.7 0.123456 -2.0"}
    path = _model_file(tmp_path, {"classes": classes, "intercepts": [0.0, 0.0, 0.0], "features": features})
    opinion = load_text_model(path).opinion("honour")
    assert opinion == Opinion(A, 0.5765, R)  # 0.7 - 0.123456, to four decimals


def test_a_model_file_that_is_no_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / FILE
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(RulesError, match="unreadable"):
        load_text_model(path)


def test_mailbot_check_reads_every_row_a_scan_reads_only_when_met(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), rules)
    data = json.loads((rules / "model" / FILE).read_text(encoding="utf-8"))
    data["features"]["zzzunseen"] = "1.0 x 0 0 0 0 0 0"
    (rules / "model" / FILE).write_text(json.dumps(data), encoding="utf-8")
    assert any("'zzzunseen'" in problem for problem in run_checks(rules))
    model = load_text_model(rules / "model" / FILE, check=False)
    assert len(model.scores("an ordinary text")) == len(model.classes)
    with pytest.raises(RulesError, match="'zzzunseen' is not numbers"):
        model.scores("zzzunseen")


# --- the second opinion -----------------------------------------------------------------------------


def _ev(categories: set[Category], score: float = 0.9) -> dict[Category, float]:
    """Evidence for each category at one score."""
    return dict.fromkeys(categories, score)


def _scores(*categories: Category) -> list[RuleScore]:
    """A rule's score of 0.9 for each category."""
    return [RuleScore(f"rule-{c}", c, 0.9) for c in categories]


def _verdict(category: Category, rule: str | None = "some-rule") -> Verdict:
    return Verdict(
        category, "none", "en", 0.9 if rule else 0.0, rule, ("rules said so",), variant="medium" if rule else ""
    )


@pytest.mark.parametrize(
    ("rules", "opinion", "found", "in_case", "expected"),
    [
        # agreement stands, whatever the margin
        (R, Opinion(R, 0.01, A), {R}, True, R),
        # where the rules abstained: a clear, supported opinion decides; an unclear or unsupported one does not
        (N, Opinion(A, 0.2, R), {A}, True, A),
        (N, Opinion(A, 0.19, R), {A}, True, N),
        (N, Opinion(A, 5.0, R), {R}, True, N),
        (N, Opinion(U, 0.2, A), set(), False, U),  # no reply needs no rule's evidence
        # disagreement: a clear supported opinion decides, else a reply the rules chose is left to the person
        (R, Opinion(A, 0.2, R), {A, R}, True, A),
        (R, Opinion(A, 0.19, R), {A, R}, True, N),
        (R, Opinion(A, 3.0, R), {R}, True, N),
        (Q, Opinion(U, 0.5, Q), {Q}, False, U),
        # inside a case unrelated needs a rule's strong evidence to decide, and without it contests nothing
        # and contests the rules' reply only by a clear margin
        (Q, Opinion(U, 0.59, Q), {Q}, True, Q),
        (Q, Opinion(U, 0.6, Q), {Q}, True, N),
        (Q, Opinion(K, 0.1, Q), {Q}, True, N),
        # the rules chose no reply: the model makes one only inside a case, from a rule's evidence
        (U, Opinion(A, 2.0, U), {A, U}, False, U),
        (U, Opinion(A, 0.2, U), {A, U}, True, A),
        (K, Opinion(A, 0.1, K), {A, K}, True, K),
        (K, Opinion(ID, 4.0, K), {K}, True, K),
        (K, Opinion(U, 0.2, K), {K}, False, U),
    ],
)
def test_the_second_opinion(
    rules: Category, opinion: Opinion, found: set[Category], in_case: bool, expected: Category, ruleset: Ruleset
) -> None:
    before = _verdict(rules, None if rules is N else "some-rule")
    verdict = second_opinion(before, opinion, _ev(found), in_case, ruleset.tuning)
    assert verdict.category is expected
    assert verdict.evidence[0] == "rules said so"
    assert verdict.evidence[-1].startswith(f"text model: {opinion.category}")
    if expected is not rules and expected is not N:
        assert (verdict.rule, verdict.variant) == (MODEL_RULE, "")
        assert verdict.confidence == min(1.0, opinion.margin)
    elif expected is N:
        assert (verdict.rule, verdict.confidence, verdict.variant) == (None, 0.0, "")
    else:
        assert (verdict.rule, verdict.variant) == ("some-rule", "medium")


def test_the_tuning_values_are_those_the_table_above_assumes(ruleset: Ruleset) -> None:
    tuning = ruleset.tuning
    assert (tuning.model_fill, tuning.model_override, tuning.model_platform_fill) == (0.2, 0.2, 0.6)
    assert tuning.model_case_contest == 0.6


@pytest.mark.parametrize(
    ("rules", "platform", "opinion", "found", "expected"),
    [
        # the rules abstained on a platform's message: a sure reply needs no rule's evidence
        (N, "meta", Opinion(A, 0.6, R), set(), A),
        (N, "meta", Opinion(Q, 2.0, A), set(), Q),
        (N, "meta", Opinion(A, 0.59, R), set(), N),
        # a stranger's or a shop's message still needs a rule's evidence, however sure the model
        (N, "none", Opinion(A, 5.0, R), set(), N),
        # only an abstention is filled: a reply the rules chose is not overruled without evidence ...
        (R, "meta", Opinion(A, 5.0, R), {R}, N),
        # ... and what the rules found no reply in stays so
        (U, "meta", Opinion(A, 5.0, U), {U}, U),
        (K, "meta", Opinion(A, 5.0, K), {K}, K),
    ],
)
def test_a_platform_s_reply_the_model_is_sure_of_needs_no_rule(
    rules: Category, platform: str, opinion: Opinion, found: set[Category], expected: Category, ruleset: Ruleset
) -> None:
    before = dataclasses.replace(_verdict(rules, None if rules is N else "some-rule"), platform=platform)
    verdict = second_opinion(before, opinion, _ev(found), True, ruleset.tuning)
    assert verdict.category is expected
    if expected is opinion.category:
        assert (verdict.rule, verdict.variant) == (MODEL_RULE, "")
    # outside a case the model never decides a reply without a rule's evidence (a hedged explainer reads as an ask)
    outside = second_opinion(before, opinion, _ev(found), False, ruleset.tuning)
    assert outside.category is not opinion.category or not opinion.category.gets_reply


# --- in classify ------------------------------------------------------------------------------------


@pytest.fixture
def sure_of_acceptance(tmp_path: Path, ruleset: Ruleset) -> Ruleset:
    """The bundled rules with a model that finds every text an acceptance by a wide margin."""
    classes = ["acceptance", "rejection", "unrelated"]
    path = _model_file(tmp_path, {"classes": classes, "intercepts": [5.0, 0.0, 0.0], "features": {"zz": "1 0 0 0"}})
    return dataclasses.replace(ruleset, model=path)


LONG_REFUSAL = (
    "Thank you for your message about the use of your information. We have looked at your objection carefully and "
    "we are unable to stop this processing, because our legitimate interests in improving our services prevail."
)


def test_the_model_turns_no_refusal_into_an_acceptance_without_a_rule_finding_one(
    sure_of_acceptance: Ruleset, ruleset: Ruleset
) -> None:
    message = team_reply(LONG_REFUSAL, "Re: Your objection")
    assert classify(message, dataclasses.replace(ruleset, model=None)).category is R
    verdict = classify(message, sure_of_acceptance)
    # no rule found an acceptance to grant, so the model cannot decide; it contests the rules' reply
    assert verdict.category is N
    assert verdict.evidence[-1].endswith("disagrees with redirects-to-channel (rejection), left to you")


UNMATCHED = (
    "Hello, we have looked at the matter you raised with us last week and the colleagues in the relevant team have "
    "gone through every part of it in detail. Kind regards, the team"
)


def test_the_model_fills_a_platform_s_reply_the_rules_left_open_and_no_one_else_s(
    sure_of_acceptance: Ruleset, ruleset: Ruleset
) -> None:
    platform = team_reply(UNMATCHED, "Re: Your objection", "privacy@facebookmail.com", "Privacy Operations")
    shop = team_reply(UNMATCHED, "Re: Your objection")
    alone = dataclasses.replace(ruleset, model=None)
    assert classify(platform, alone).category is N
    assert classify(shop, alone).category is N
    verdict = classify(platform, sure_of_acceptance)
    assert (verdict.category, verdict.rule, verdict.variant) == (A, MODEL_RULE, "")
    assert verdict.evidence[-1].endswith("decides where the rules did not decide")
    assert classify(shop, sure_of_acceptance).category is N


def test_a_short_text_a_gate_or_a_foreign_language_gets_no_second_opinion(sure_of_acceptance: Ruleset) -> None:
    short = classify(team_reply("We are unable to stop this processing.", "Re: Your objection"), sure_of_acceptance)
    assert short.category is R
    assert not any("text model" in e for e in short.evidence)
    bulk = dataclasses.replace(team_reply(LONG_REFUSAL, "Re: Your objection"), is_bulk=True)
    assert classify(bulk, sure_of_acceptance).gate
    dutch = "Wij hebben uw bezwaar ontvangen en zullen het zo spoedig mogelijk behandelen. " * 3
    verdict = classify(team_reply(dutch, "Re: Uw bezwaar"), sure_of_acceptance)
    assert verdict.category is N
    assert not any("text model" in e for e in verdict.evidence)


def test_the_bundled_model_agrees_with_a_plain_fixture(ruleset: Ruleset) -> None:
    message = parse((MESSAGES / "acceptance" / "meta-honour-en.eml").read_bytes())
    verdict = classify(message, ruleset)
    assert verdict.category is A
    assert verdict.evidence[-1].startswith("text model: acceptance")
    assert verdict.evidence[-1].endswith("agrees")


# --- what each branch says, and the bounds of what the model reads ------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "rule", "opinion", "found", "says"),
    [
        (N, None, Opinion(A, 0.3, R), {A}, "acceptance by 0.30 over rejection: decides where the rules did not decide"),
        (R, "some-rule", Opinion(A, 0.3, R), {A}, "decides over some-rule (rejection)"),
        (U, None, Opinion(K, 0.3, U), set(), "decides over the rules (unrelated)"),
        (R, None, Opinion(A, 0.1, R), {A}, "disagrees with the rules (rejection), left to you"),
        (K, "some-rule", Opinion(A, 0.1, K), {A}, ": not clear enough (needs 0.20)"),
        (K, "some-rule", Opinion(A, 0.5, K), set(), ": no rule's evidence for it here"),
    ],
)
def test_the_evidence_says_what_the_second_opinion_did(
    rules: Category, rule: str | None, opinion: Opinion, found: set[Category], says: str, ruleset: Ruleset
) -> None:
    verdict = second_opinion(_verdict(rules, rule), opinion, _ev(found), True, ruleset.tuning)
    assert verdict.evidence[-1].endswith(says)


def test_filling_and_overruling_have_their_own_margins(ruleset: Ruleset) -> None:
    tuning = dataclasses.replace(ruleset.tuning, model_fill=0.5, model_override=0.1)
    fill, override = Opinion(A, 0.3, R), Opinion(A, 0.3, R)
    assert second_opinion(_verdict(N, None), fill, _ev({A}), True, tuning).category is N
    assert second_opinion(_verdict(R), override, _ev({A, R}), True, tuning).category is A


def test_the_model_s_confidence_is_its_margin_capped_at_one(ruleset: Ruleset) -> None:
    tuning = ruleset.tuning
    assert second_opinion(_verdict(N, None), Opinion(A, 2.5, R), _ev({A}), True, tuning).confidence == 1.0
    assert second_opinion(_verdict(N, None), Opinion(A, 0.23456, R), _ev({A}), True, tuning).confidence == 0.235


def test_the_evidence_is_each_category_s_best_positive_score() -> None:
    scores = [
        RuleScore("weak", A, 0.3, "pattern", "x"),
        RuleScore("strong", A, 0.7, "pattern", "x"),
        RuleScore("weaker", A, 0.5, "pattern", "x"),
        RuleScore("none", R, 0.0, "pattern", "y"),
    ]
    assert _evidence(scores) == {A: 0.7}


@pytest.fixture
def honour_model(tmp_path: Path, ruleset: Ruleset) -> Ruleset:
    """A model for which "honour" is an acceptance by a margin of 1 and a text without it a tie."""
    classes = ["acceptance", "rejection", "unrelated"]
    features = {"honour": "1.0 1.0 0.0 0.0"}
    path = _model_file(tmp_path, {"classes": classes, "intercepts": [0.0, 0.0, 0.0], "features": features})
    return dataclasses.replace(ruleset, model=path)


def test_the_model_reads_the_subject_and_the_start_of_the_own_words(honour_model: Ruleset) -> None:
    limit = honour_model.tuning.model_text
    message = team_reply("words " * (limit // 6) + "honour", "Re: Your objection")
    assert model_text(honour_model, message, limit) == "Re: Your objection\n" + message.new_text[:limit]
    far = reviewed(_verdict(N, None), _scores(A), True, message, honour_model)
    assert far.category is N  # "honour" lies beyond what the model reads
    near = dataclasses.replace(message, new_text="honour " + message.new_text)
    assert reviewed(_verdict(N, None), _scores(A), True, near, honour_model).category is A


def test_twenty_words_get_a_second_opinion_and_nineteen_do_not(honour_model: Ruleset) -> None:
    assert honour_model.tuning.model_min_words == 20
    twenty = team_reply("honour " + "words " * 17, "Re: objection")  # 2 words of subject, 18 of text
    nineteen = dataclasses.replace(twenty, new_text="honour " + "words " * 16)
    assert reviewed(_verdict(N, None), _scores(A), True, twenty, honour_model).category is A
    assert reviewed(_verdict(N, None), _scores(A), True, nineteen, honour_model).category is N


def test_inside_a_case_the_model_may_make_a_reply_of_a_receipt_outside_never(honour_model: Ruleset) -> None:
    message = team_reply("We honour " + "your words " * 10, "Re: objection")
    inside = reviewed(_verdict(K), _scores(A, K), True, message, honour_model)
    outside = reviewed(_verdict(K), _scores(A, K), False, message, honour_model)
    assert (inside.category, outside.category) == (A, K)


@pytest.fixture
def sure_of_rejection(tmp_path: Path, ruleset: Ruleset) -> Ruleset:
    """The bundled rules with a model that finds every text a rejection by a wide margin."""
    classes = ["acceptance", "rejection", "unrelated"]
    path = _model_file(tmp_path, {"classes": classes, "intercepts": [0.0, 5.0, 0.0], "features": {"zz": "1 0 0 0"}})
    return dataclasses.replace(ruleset, model=path)


def test_a_reply_the_model_decides_answers_the_argument_its_rules_found(sure_of_rejection: Ruleset) -> None:
    message = team_reply("Please use our privacy form to send your request, " + "as we said before " * 5, "Re: x")
    form = RuleScore("redirects-to-channel", R, 0.4, "pattern", "use our privacy form")
    verdict = reviewed(_verdict(N, None), [form], True, message, sure_of_rejection)
    # the rules found a redirect to a form: the reply answers that ("medium"), not overriding grounds ("")
    assert (verdict.category, verdict.rule, verdict.variant) == (R, MODEL_RULE, "medium")
    plain = reviewed(_verdict(N, None), _scores(R), True, message, sure_of_rejection)
    assert (plain.category, plain.variant) == (R, "")
    # of two refusal rules, the stronger one's argument is answered, wherever it stands in the list
    grounds = RuleScore("claims-overriding-grounds", R, 0.2, "pattern", "we will continue to process")
    for scores in ([grounds, form], [form, grounds]):
        assert reviewed(_verdict(N, None), scores, True, message, sure_of_rejection).variant == "medium"
    # where the model agrees, the rules' verdict keeps the variant they gave it
    agreed = reviewed(_verdict(R), [form], True, message, sure_of_rejection)
    assert (agreed.category, agreed.rule, agreed.variant) == (R, "some-rule", "medium")
    given = dataclasses.replace(_verdict(R), variant="fee")
    assert reviewed(given, [form], True, message, sure_of_rejection).variant == "fee"


@pytest.mark.parametrize("row", ["1.0 0 0 0 0 0 0 0 0", "1.0 0", 7])
def test_a_scan_stops_on_a_malformed_row_with_one_line_not_a_crash_or_a_wrong_sum(tmp_path: Path, row: object) -> None:
    """Too many weights (an IndexError), too few (a sum over some classes only), no text: a RulesError naming it."""
    model = load_text_model(_model_file(tmp_path, {"features": {"honour": row}}), check=False)
    with pytest.raises(RulesError, match=f"^model/{FILE}: feature 'honour' "):
        model.scores("honour")


def test_prefixes_must_be_lists_of_words(tmp_path: Path) -> None:
    """A string would be read letter by letter: "not" would make "n", "o" and "t" open scopes."""
    with pytest.raises(RulesError, match="required"):
        load_text_model(_model_file(tmp_path, {"terms": {"scope": 4, "prefixes": {"not_": "not"}}}))


def test_outside_a_case_one_reply_becomes_another_only_on_a_rule_s_full_evidence(ruleset: Ruleset) -> None:
    tuning = ruleset.tuning
    opinion = Opinion(A, 1.0, R)
    below = {R: 0.9, A: tuning.threshold - 0.01}
    at = {R: 0.9, A: tuning.threshold}
    assert second_opinion(_verdict(R), opinion, below, False, tuning).category is N  # contested, left to the person
    assert second_opinion(_verdict(R), opinion, at, False, tuning).category is A
    assert second_opinion(_verdict(R), opinion, {R: 0.9, A: 0.01}, True, tuning).category is A  # inside a case


def test_inside_a_case_the_model_says_unrelated_only_on_a_rule_s_strong_evidence(ruleset: Ruleset) -> None:
    tuning = ruleset.tuning
    opinion = Opinion(U, 0.5, R)
    weak = {R: 0.9, U: tuning.known_thread_unrelated - 0.01}
    strong = {R: 0.9, U: tuning.known_thread_unrelated}
    # what cannot decide inside a case contests the rules' reply only by a clear margin
    sure = Opinion(U, tuning.model_case_contest, R)
    assert second_opinion(_verdict(R), sure, weak, True, tuning).category is N  # contested, left to the person
    kept = second_opinion(_verdict(R), opinion, weak, True, tuning)
    assert (kept.category, kept.rule, kept.variant) == (R, "some-rule", "medium")
    assert kept.evidence[-1].endswith("inside a case too weak to contest some-rule (rejection)")
    assert second_opinion(_verdict(K), opinion, weak, True, tuning).category is K
    assert second_opinion(_verdict(R), opinion, strong, True, tuning).category is U
    assert second_opinion(_verdict(R), opinion, {}, False, tuning).category is U  # outside a case it needs none


def test_inside_a_case_a_rule_s_strong_unrelated_the_model_leans_to_is_left_to_the_person(ruleset: Ruleset) -> None:
    """A notification rule as strong as the rules need in a case ties with a reply (Google's recovery code beside
    "introduce el código"): a model leaning to `unrelated` by less than it needs to decide leaves it to the person,
    not to the reply; the contest margin is for an `unrelated` no rule found."""
    tuning = ruleset.tuning
    strong = {ID: 0.95, U: tuning.known_thread_unrelated}
    leaning = Opinion(U, tuning.model_override - 0.01, ID)
    assert leaning.margin < tuning.model_case_contest
    verdict = second_opinion(_verdict(ID), leaning, strong, True, tuning)
    assert verdict.category is N, verdict.evidence
    assert verdict.evidence[-1].endswith("left to you")
    weak = {ID: 0.95, U: tuning.known_thread_unrelated - 0.01}
    assert second_opinion(_verdict(ID), leaning, weak, True, tuning).category is ID  # no rule: the reply stands
