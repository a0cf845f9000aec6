"""The quality bar: ``zhen eval`` on the bundled test set must meet ``THRESHOLDS``."""

import pytest

from bot.evaluate import THRESHOLDS, check, run_eval
from bot.testset import DEFAULT_TESTSET, load_testset

pytestmark = pytest.mark.real


def test_the_bundled_test_set_meets_the_thresholds(real_zhen):
    report = run_eval(real_zhen, load_testset(DEFAULT_TESTSET))
    missed = check(report.metrics, THRESHOLDS)
    assert not missed, "below thresholds: " + "; ".join(missed)
