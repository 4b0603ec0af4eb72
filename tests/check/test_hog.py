"""HOG features of images (advisor.check.hog)."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.feature import hog as skimage_hog

from advisor.check.hog import HogFeatures, hog


@pytest.mark.parametrize(
    ("shape", "cell"),
    [((6, 24, 24, 1), 4), ((4, 27, 22, 1), 4), ((3, 30, 30, 3), 5)],
    ids=["grey", "cells-not-filling-the-image", "colour"],
)
def test_hog_gives_the_features_scikit_image_gives(shape, cell) -> None:
    images = np.random.default_rng(0).random(shape)
    theirs = [
        skimage_hog(
            image if shape[3] > 1 else image[..., 0],
            orientations=9,
            pixels_per_cell=(cell, cell),
            cells_per_block=(2, 2),
            channel_axis=-1 if shape[3] > 1 else None,
        )
        for image in images
    ]
    np.testing.assert_allclose(hog(images, cell=cell), np.array(theirs), atol=1e-6)


@pytest.mark.parametrize(
    ("side", "resized"), [(8, 24), (20, 24), (32, 30), (64, 48)], ids=["8", "20", "32", "64"]
)
def test_images_are_resized_to_six_cells_a_side(side, resized) -> None:
    images = np.random.default_rng(0).random((3, side, side, 1)).astype(np.float32)
    features = HogFeatures().fit(images)
    assert features.side_ == resized
    assert features.transform(images).shape == (3, 5 * 5 * 2 * 2 * 9)


def test_hog_sees_edges_not_brightness() -> None:
    image = np.zeros((1, 24, 24, 1))
    image[0, 8:16, 8:16] = 1.0
    features = HogFeatures().fit(image)
    # The same square dark on light: the same edges, whatever the brightness.
    np.testing.assert_allclose(features.transform(image), features.transform(3.0 - 2 * image))
