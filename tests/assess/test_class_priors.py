"""A scenario's class priors reach the classifier; bad ones are refused with the field named."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assess.classify import CLASSES, Classifier, ClassifierConfig
from bastion.engine import Engine
from bastion.errors import UserError
from bastion.evaluate.montecarlo import Mix, build_scenario


def test_a_prior_moves_only_its_class_log_likelihood_by_the_difference():
    x = np.array([[0.0, 0.0, 60.0, 9.0, 7.0, 0.3]])
    args = (x, np.array([0.01]), np.array([0.05]), np.array([1.0]))
    base = Classifier().log_likelihood(*args)
    raised = Classifier(ClassifierConfig(log_priors=(("quadcopter", -1.0),))).log_likelihood(*args)
    q = CLASSES.index("quadcopter")
    assert raised[0, q] - base[0, q] == pytest.approx(2.0)  # the default is -3
    others = [k for k in range(len(CLASSES)) if k != q]
    assert np.array_equal(raised[0, others], base[0, others])
    with pytest.raises(ValueError, match="dragon"):
        Classifier(ClassifierConfig(log_priors=(("dragon", 1.0),)))


def test_scenario_priors_reach_the_engine_and_bad_ones_name_the_field():
    mix = Mix(ballistic=0, drones=0, bird_flocks=0, aircraft=0, helicopters=0, duration_s=10.0,
              class_priors=(("quadcopter", -1.0), ("bird", 0.5)))
    engine = Engine(build_scenario(1, mix))
    prior = dict(zip(CLASSES, engine.classifier._log_prior.tolist(), strict=True))
    assert prior["quadcopter"] == -1.0 and prior["bird"] == 0.5 and prior["artillery"] == -4.0
    with pytest.raises(UserError, match=r"class_priors\.dragon"):
        build_scenario(1, Mix(class_priors=(("dragon", 1.0),)))
    with pytest.raises(UserError, match=r"class_priors\.quadcopter: must be >= -20"):
        build_scenario(1, Mix(class_priors=(("quadcopter", -99.0),)))
