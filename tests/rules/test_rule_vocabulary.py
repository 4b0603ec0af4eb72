"""The vocabulary is the single source of the fields, operators and candidates rules use."""

from __future__ import annotations

import dataclasses

from advisor import vocabulary as exported_vocabulary
from advisor.profile import EXPLANATIONS, Profile
from advisor.rules.vocabulary import CANDIDATES, OPERATORS, candidates, vocabulary


def test_every_profile_field_but_notes_is_in_the_vocabulary() -> None:
    fields = [f.name for f in dataclasses.fields(Profile) if f.name != "notes"]
    assert list(vocabulary()) == fields


def test_exported_form_for_the_questionnaire() -> None:
    words = exported_vocabulary()
    assert words["task"] == {
        "type": "choice",
        "description": "What the model predicts.",
        "values": [
            "binary",
            "multiclass",
            "regression",
            "detection",
            "transcription",
            "generation",
        ],
        "explanations": EXPLANATIONS["task"],
        "default": None,
    }
    assert words["rows"]["type"] == "int" and words["rows"]["min"] == 0
    assert (words["missing_share"]["min"], words["missing_share"]["max"]) == (0.0, 1.0)
    assert words["gpu"] == {
        "type": "bool",
        "description": "A CUDA GPU is available for training.",
        "explanations": {},
        "default": False,
    }
    assert words["modality"]["default"] == "tabular"


def test_operators_cover_comparisons_membership_and_unknowns() -> None:
    assert set(OPERATORS) == {
        "eq",
        "ne",
        "in",
        "not_in",
        "lt",
        "le",
        "gt",
        "ge",
        "is_known",
        "is_unknown",
    }


def test_candidates_cover_the_models_the_issue_lists() -> None:
    assert set(CANDIDATES) == {
        "logistic_regression",
        "linear_regression",
        "sgd_linear",
        "decision_tree",
        "random_forest",
        "gradient_boosted_trees",
        "linear_svm",
        "rbf_svm",
        "naive_bayes",
        "knn",
        "mlp",
        "cnn",
        "text_nn",
        "pretrained_finetune",
        "mfcc_boosting",
        "logmel_cnn",
        "small_detector",
        "pretrained_detector",
        "zero_shot_speech_recognizer",
        "pretrained_speech_recognizer",
        "diffusion_lora",
    }
    assert {c["family"] for c in candidates().values()} == {"classical", "deep_learning"}


def test_every_candidate_names_an_existing_recipe_for_each_modality() -> None:
    from advisor.rules.vocabulary import GPU_RECIPES
    from advisor.scaffold.recipes import load_recipes

    recipes = set(load_recipes())
    assert set(GPU_RECIPES.values()) <= recipes
    for candidate in CANDIDATES.values():
        named = {recipe for recipe in candidate.recipes.values() if recipe is not None}
        assert named <= recipes, candidate.name
        assert candidate.label and candidate.tasks


def test_only_audio_classification_goes_without_a_recipe() -> None:
    # advisor check measures audio classification; every other candidate scaffolds.
    unbuilt = {
        (name, modality)
        for name, candidate in CANDIDATES.items()
        for modality, recipe in candidate.recipes.items()
        if recipe is None
    }
    assert unbuilt == {("mfcc_boosting", "audio"), ("logmel_cnn", "audio")}
    assert CANDIDATES["mfcc_boosting"].tasks == ("binary", "multiclass")


def test_each_application_task_has_its_own_candidates_and_recipe() -> None:
    from advisor.scaffold.recipes import get_recipe
    from advisor.terms import APPLICATION_MODALITY, APPLICATION_TASKS

    for task in APPLICATION_TASKS:
        applying = [c for c in CANDIDATES.values() if task in c.tasks]
        assert applying and all(c.family == "deep_learning" for c in applying), task
        for candidate in applying:
            assert set(candidate.recipes) == {APPLICATION_MODALITY[task]}
            (recipe,) = candidate.recipes.values()
            assert get_recipe(recipe).task == task, candidate.name
    # The general-purpose models stay with the tasks that have a target column.
    assert CANDIDATES["cnn"].tasks == ("binary", "multiclass", "regression")


def test_every_candidate_is_built_by_the_projects_of_its_recipes() -> None:
    from advisor.rules.vocabulary import GPU_RECIPES
    from advisor.scaffold.recipes import get_recipe
    from advisor.scaffold.vocabulary import fits

    for candidate in CANDIDATES.values():
        for modality, name in candidate.recipes.items():
            if name is None:
                continue
            model = candidate.project_model(modality)
            for recipe in {name, GPU_RECIPES.get(name, name)}:
                framework = get_recipe(recipe).framework
                for task in candidate.tasks:
                    built = fits(model, framework=framework, modality=modality, task=task)
                    assert built, (candidate.name, recipe, task)
