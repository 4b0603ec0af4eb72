{%- set regression = cookiecutter.task == "regression" -%}
"""Train the Flax network with Optax: a jit-compiled train step, data-parallel over every
visible device.

- Devices: a one-axis Mesh ("batch") over `jax.devices()`; each batch is placed with a
  NamedSharding that splits its rows over the devices, the parameters and optimizer state
  are replicated, and XLA inserts the gradient all-reduce.
- Precision: bfloat16 compute on a GPU (parameters and the loss stay float32).
- Checkpoints: runs/<run>/checkpoints (Orbax: parameters, optimizer state, the losses so
  far) every epoch; `train.resume: runs/<run>/checkpoints` continues from its latest epoch.
  models/model.msgpack is the export that predict, serve and evaluate load.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import orbax.checkpoint as ocp
from flax import nnx
from jax.sharding import AxisType, Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from .config import Config, load_config, parse_args, seed_everything
from .data import load_split, num_outputs
from .jax_model import build_model, compute_dtype, export, features, targets
from .runs import EpochHook, new_run_dir, write_history
from .tracking import Tracker


def data_parallel() -> tuple[Mesh, NamedSharding, NamedSharding]:
    """The mesh over every device, the sharding that splits a batch's rows over it, and
    the one that replicates (parameters, optimizer state)."""
    # Automatic axes: XLA propagates the batch sharding through the network and adds the
    # gradient all-reduce, so the model code needs no sharding annotations.
    mesh = jax.make_mesh((jax.device_count(),), ("batch",), axis_types=(AxisType.Auto,))
    return mesh, NamedSharding(mesh, P("batch")), NamedSharding(mesh, P())


def loss_fn(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
{%- if regression %}
    return jnp.mean((model(x)[:, 0] - y) ** 2)
{%- else %}
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()
{%- endif %}


@nnx.jit
def train_step(model: nnx.Module, optimizer: nnx.Optimizer, x: jax.Array, y: jax.Array):
    """One optimisation step on a batch; its mean loss."""
    loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
    optimizer.update(model, grads)
    return loss


def checkpoint_state(model: nnx.Module, optimizer: nnx.Optimizer) -> dict[str, Any]:
    """What a checkpoint holds: the parameters and the optimizer's state (its step too)."""
    return {"params": nnx.state(model, nnx.Param), "opt": nnx.state(optimizer, nnx.OptState)}


def restore(source, model: nnx.Module, optimizer: nnx.Optimizer) -> tuple[int, list[float]]:
    """Load the latest checkpoint under `source` into `model` and `optimizer`; the epoch
    it was saved after and the losses up to it."""
    with ocp.CheckpointManager(source) as manager:
        step = manager.latest_step()
        if step is None:
            raise SystemExit(
                f"{source} holds no checkpoint: point train.resume at runs/<run>/checkpoints"
            )
        # The current state's shapes, dtypes and shardings tell Orbax how to lay it out.
        target = jax.tree.map(ocp.utils.to_shape_dtype_struct, checkpoint_state(model, optimizer))
        restored = manager.restore(
            step,
            args=ocp.args.Composite(
                state=ocp.args.StandardRestore(target), meta=ocp.args.JsonRestore()
            ),
        )
    nnx.update(model, restored.state["params"])
    nnx.update(optimizer, restored.state["opt"])
    return step, list(restored.meta["losses"])


def main(argv: list[str] | None = None) -> dict:
    """Train; returns {"losses": [...per epoch], "run_dir": ...}."""
    args = parse_args(__doc__, argv)
    return train(load_config(args.params))


def train(config: Config, on_epoch: EpochHook | None = None) -> dict:
    params, settings = config.params, config["train"]
    seed = config["seed"]
    seed_everything(seed)
    x, y = load_split(config, "train")
    outputs = num_outputs(y)
    inputs = features(config, x)
    labels, target_scale = targets(y)
    mesh, rows, replicated = data_parallel()
    dtype = compute_dtype(settings["amp"])
    model = build_model(params, inputs.shape[1:], outputs, dtype=dtype, seed=seed)
    optimizer = nnx.Optimizer(
        model, optax.adamw(settings["lr"], weight_decay=settings["weight_decay"]), wrt=nnx.Param
    )
    # Every device holds the whole model and optimizer state.
    state = nnx.state((model, optimizer))
    nnx.update((model, optimizer), jax.device_put(state, replicated))

    start, losses = 0, []
    if settings["resume"]:
        start, losses = restore(config.path(settings["resume"]).resolve(), model, optimizer)
    run_dir = new_run_dir(config)
    manager = ocp.CheckpointManager(
        (run_dir / "checkpoints").resolve(), options=ocp.CheckpointManagerOptions(max_to_keep=2)
    )
    tracker = Tracker(config, run_dir)
    tracker.log_params(params)
    devices = mesh.devices.size
    # The batch size in params.yaml is per device; a batch splits evenly over the devices.
    batch_size = settings["batch_size"] * devices
    print(f"training on {devices} {jax.default_backend()} device(s), compute {jnp.dtype(dtype)}")
    for epoch in range(start, settings["epochs"]):
        model.train()  # dropout on
        # An order drawn from (seed, epoch): a resumed run sees the batches it would have.
        order = np.random.default_rng([seed, epoch]).permutation(len(labels))
        total, count = jnp.zeros(()), 0
        for begin in range(0, len(order), batch_size):
            chosen = order[begin : begin + batch_size]
            chosen = chosen[: len(chosen) - len(chosen) % devices]
            if not len(chosen):
                continue
            batch_x = jax.device_put(inputs[chosen], rows)
            batch_y = jax.device_put(labels[chosen], rows)
            total = total + train_step(model, optimizer, batch_x, batch_y) * len(chosen)
            count += len(chosen)
        losses.append(float(total) / count)
        tracker.log_metrics({"train/loss": losses[-1]}, step=epoch)
        manager.save(
            epoch + 1,
            args=ocp.args.Composite(
                state=ocp.args.StandardSave(checkpoint_state(model, optimizer)),
                meta=ocp.args.JsonSave({"losses": losses}),
            ),
        )
        print(f"epoch {epoch + 1}/{settings['epochs']}  loss {losses[-1]:.4f}")
        if on_epoch is not None and on_epoch(epoch, losses[-1]):
            break
    manager.wait_until_finished()
    manager.close()
    tracker.close()

    config.path("models").mkdir(exist_ok=True)
    model.eval()
    export(
        model,
        config.path("models", "model.msgpack"),
        params,
        inputs.shape[1:],
        outputs,
        target_scale,
    )
    write_history(config, run_dir, losses)
    print(f"saved models/model.msgpack; run folder {run_dir.relative_to(config.root)}")
    return {"losses": losses, "run_dir": run_dir, "dtype": str(jnp.dtype(dtype))}
