"""Train on tiny data from a tiny random pipeline: the loss must fall, only the adapters may
change, the fine-tuned model must denoise the held-out images better than the base one,
and every artefact must appear. Nothing is downloaded: the pipeline is built here from
configs and saved with save_pretrained.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
import yaml
from PIL import Image

from {{ cookiecutter.package_name }} import data, diffusion, evaluate, prepare, train
from {{ cookiecutter.package_name }}.config import load_config
from {{ cookiecutter.package_name }}.distributed import World

PROJECT = Path(__file__).resolve().parents[1]
WORDS = ["a", *data.COLOURS, *data.SHAPES]  # the demo captions' words
START, END = "<|startoftext|>", "<|endoftext|>"


def _tokenizer_files(folder: Path) -> tuple[Path, Path]:
    """vocab.json and merges.txt of a byte-pair encoding that knows the letters and, through
    one chain of merges each, the demo words (CLIP marks a word's last symbol with </w>)."""
    letters = [chr(code) for code in range(ord("a"), ord("z") + 1)]
    vocab = [START, END, *letters, *(f"{letter}</w>" for letter in letters)]
    merges: list[tuple[str, str]] = []
    for word in WORDS:
        symbols = [*word[:-1], f"{word[-1]}</w>"]
        merged = symbols[0]
        for symbol in symbols[1:]:
            if (merged, symbol) not in merges:
                merges.append((merged, symbol))
            merged += symbol
            if merged not in vocab:
                vocab.append(merged)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(vocab)}))
    lines = ["#version: 0.2", *(f"{left} {right}" for left, right in merges)]
    (folder / "merges.txt").write_text("\n".join(lines) + "\n")
    return folder / "vocab.json", folder / "merges.txt"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Stable-Diffusion-shaped pipeline folder with random weights: a two-block UNet, a
    two-block VAE (32 px images to 16 x 16 latents), a two-layer CLIP text encoder."""
    from diffusers import (
        AutoencoderKL,
        DDPMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    folder = tmp_path_factory.mktemp("checkpoint")
    torch.manual_seed(0)
    vocab, merges = _tokenizer_files(folder / "tokenizer-source")
    tokenizer = CLIPTokenizer(
        str(vocab), str(merges), unk_token=END, bos_token=START, eos_token=END, pad_token=END,
        model_max_length=8,
    )  # fmt: skip
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=37,
            num_hidden_layers=2,
            num_attention_heads=4,
            max_position_embeddings=8,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    unet = UNet2DConditionModel(
        sample_size=16,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
    )
    vae = AutoencoderKL(
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(32, 64),
        latent_channels=4,
        sample_size=32,
    )
    scheduler = DDPMScheduler(  # Stable Diffusion 1.5's noise schedule
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        steps_offset=1,
        clip_sample=False,
    )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(folder / "tiny-stable-diffusion")
    return folder / "tiny-stable-diffusion"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def write_params(folder: Path, checkpoint: Path, **train_settings) -> Path:
    """A copy of params.yaml in `folder`: the tiny checkpoint, 32 px demo images, tracking
    off, few sampling steps, and `train_settings` applied."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["model"].update(checkpoint=str(checkpoint), lora_r=8, lora_alpha=8)
    params["data"].update(resolution=32, demo_images=64)
    params["train"].update({"epochs": 4, "batch_size": 8, "lr": 1.0e-2, **train_settings})
    params["tracking"]["enabled"] = False
    params["evaluate"].update(inference_steps=2, samples_per_prompt=2)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def test_lora_training_lowers_the_loss_moves_only_the_adapters_and_evaluates(
    checkpoint: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetensors.torch import load_file

    params = write_params(tmp_path, checkpoint)
    prepare.main(["--params", str(params)])
    loaded = []

    def keep(*args, **kwargs):
        loaded.append(diffusion.load_parts(*args, **kwargs))
        return loaded[-1]

    monkeypatch.setattr(train, "load_parts", keep)
    result = train.train(load_config(params), World())
    losses = result["losses"]
    assert len(losses) == 4 and losses[-1] < losses[0], losses
    assert (tmp_path / "plots" / "loss.csv").is_file()
    assert json.loads((Path(result["run_dir"]) / "history.json").read_text())["loss"] == losses

    # Only the adapters trained: every pretrained weight is as the checkpoint has it.
    unet = loaded[0].unet
    pretrained = load_file(checkpoint / "unet" / "diffusion_pytorch_model.safetensors")
    state = {key.replace(".base_layer", ""): value for key, value in unet.state_dict().items()}
    assert pretrained.keys() <= state.keys()
    for key, value in pretrained.items():
        assert torch.equal(state[key], value), f"{key}: a pretrained weight moved"
    adapters = [value for key, value in state.items() if ".lora_B." in key]
    assert adapters and all(value.abs().sum() > 0 for value in adapters)  # they start at zero
    saved = load_file(tmp_path / "models" / "lora" / "pytorch_lora_weights.safetensors")
    assert saved and all(".lora" in key for key in saved)

    metrics = evaluate.main(["--params", str(params)])
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics
    assert math.isfinite(metrics["denoising_loss"])
    assert metrics["denoising_loss"] < metrics["base_denoising_loss"], metrics
    settings = yaml.safe_load(params.read_text())["evaluate"]
    grid = Image.open(tmp_path / "plots" / "samples.png")
    assert grid.size == (2 * 32, len(settings["prompts"]) * 32)
    # Fixed timesteps and seeded noise: evaluating again gives the same numbers.
    assert evaluate.main(["--params", str(params)]) == metrics

    # Resume: the checkpoint of that run, one more epoch, in a run folder of its own.
    last = Path(result["run_dir"]) / "last.pt"
    resumed = write_params(tmp_path, checkpoint, epochs=len(losses) + 1, resume=str(last))
    again = train.main(["--params", str(resumed)])
    assert len(again["losses"]) == len(losses) + 1
    assert again["losses"][: len(losses)] == pytest.approx(losses)
    assert again["run_dir"] != result["run_dir"]


def test_an_image_without_a_caption_is_one_error_line(tmp_path: Path) -> None:
    images = tmp_path / "images"
    images.mkdir()
    for name in ("one.png", "two.png", "three.png"):
        Image.new("RGB", (40, 40), "red").save(images / name)
    (images / "captions.csv").write_text("file,caption\none.png,a red square\ntwo.png,red\n")
    before = {path: path.read_bytes() for path in images.iterdir()}
    project = tmp_path / "project"
    project.mkdir()
    params = write_params(project, tmp_path / "unused-checkpoint")
    settings = yaml.safe_load(params.read_text())
    settings["data"]["path"] = str(images)
    params.write_text(yaml.safe_dump(settings))
    with pytest.raises(SystemExit) as exited:
        prepare.main(["--params", str(params)])
    assert exited.value.code == (
        "Error: the image three.png has no caption in captions.csv; add one, or move the image "
        f"out of {images}"
    )
    assert not (project / "data").exists()
    assert {path: path.read_bytes() for path in images.iterdir()} == before


def test_the_device_is_the_best_available() -> None:
    from {{ cookiecutter.package_name }}.device import autocast_dtype, select_device

    device = select_device()
    expected = "cuda" if torch.cuda.is_available() else device.type
    assert device.type == expected
    if device.type == "cpu":
        assert autocast_dtype(device) is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_mixed_precision_lora_training_on_the_gpu(checkpoint: Path, tmp_path: Path) -> None:
    from {{ cookiecutter.package_name }}.device import autocast_dtype, select_device

    expected = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    assert autocast_dtype(select_device()) == expected
    params = write_params(tmp_path, checkpoint)
    prepare.main(["--params", str(params)])
    result = train.main(["--params", str(params)])
    assert result["losses"][-1] < result["losses"][0], result["losses"]
    metrics = evaluate.main(["--params", str(params)])
    assert metrics["denoising_loss"] < metrics["base_denoising_loss"], metrics
