"""The quality bar on the bundled test set, with the real models: one ``zhen eval`` run.

The thresholds live in ``bot.evaluate.THRESHOLDS`` (shown in the README); they are raised
as quality improves, never lowered to pass.
"""

import pytest

from bot.evaluation.run import THRESHOLDS, check, run_eval
from bot.evaluation.testset import DEFAULT_TESTSET, load_testset

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def report(real_zhen):
    return run_eval(real_zhen, load_testset(DEFAULT_TESTSET))


def test_the_test_set_is_large_and_covers_every_language(report):
    languages = [item["language"] for item in report.items]
    assert report.n >= 80
    assert all(languages.count(lang) >= 20 for lang in ("en", "zh-Hans", "zh-Hant"))
    assert sum(not item["answerable"] for item in report.items) >= 10


def test_the_bundled_test_set_meets_the_thresholds(report):
    missed = check(report.metrics, THRESHOLDS)
    assert not missed, "below thresholds: " + "; ".join(missed)


def test_every_answer_is_in_the_askers_language_and_script(report):
    assert report.metrics["language_match"] == 1.0
