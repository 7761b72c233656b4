#!/usr/bin/python3
"""Traces the OFFICIAL 3DSR test-time pipeline (RGB+D, paper preset) to TorchScript, for the
whole-inference peer (dsr3d.bench.peers.TorchInferPeer, bench/peers/run-peers.sh --infer).

Run from the repository root with Debian's torch 1.13:
    /usr/bin/python3 bench/peers/trace_3dsr.py [--out DIR] [--size 384] [--official DIR]
The official code (VitjanZ/3DSR) is never committed: tests/fixtures/official_3dsr.py exports its
.py files into a temporary folder (deleted at exit) and dsr_model.py / discrete_model_groups.py are
imported from there. Nothing here re-implements a layer: the modules are the official classes,
built with test_dsr.py's sizes, and the forward is test_dsr.py's loop body.

The pipeline (test_dsr.py, one image, x = cat(depth, rgb) = [1, 4, S, S]):
  DADA  DiscreteLatentModelGroups(256, 2, 128, 2048, 256, 0.25, 0.99, in 4, out 4):
        recon_general [1,4,S,S], Q_lo [1,256,S/8,S/8], Q_hi [1,256,S/4,S/4]
  SR-hi SubspaceRestrictionModule(256) on Q_hi, re-quantized with the DADA's bottom VQ
  SR-lo SubspaceRestrictionModule(256) on Q_lo, re-quantized with the DADA's top VQ
  obj-dec ImageReconstructionNetwork(512, 256, 2, 128, out 4) on cat(upsample_t(Q_lo'), Q_hi')
  U-Net AnomalyDetectionModule(in 8, base 32) on (recon_object, recon_general) -> logits [1,2,S,S]
  softmax over channels, avg_pool2d(channel 1, 11, stride 1, pad 5) -> map [1,1,S,S]; score = max.
Weights are random (PyTorch's default init, the official VQ init normal(0, 1); seed 0): shapes and
operator costs do not depend on them.

Output in DIR (default bench/target/peers, ignored by git):
  3dsr_rgbd_<S>.pt       torch.jit.trace of the pipeline (returns (map [1,1,S,S], score [])),
  dada.pckl, model_seg.pckl, model_recon_lo.pckl, model_recon_hi.pckl, model_decode.pckl
                         the same weights as torch.save(state_dict()) (the official file layout,
                         read by our DadaWeights / Stage2Model.load), so ours runs the same model,
  input_<S>.f32          the input [1,4,S,S], raw little-endian float32,
  map_<S>.f32            the eager torch 1.13 map [1,1,S,S] for that input, raw float32.
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
import official_3dsr  # noqa: E402  (the temporary copy of the official code)

# test_dsr.py's sizes
NUM_HIDDENS, NUM_RESIDUAL_HIDDENS, NUM_RESIDUAL_LAYERS = 256, 128, 2
EMBEDDING_DIM, NUM_EMBEDDINGS, COMMITMENT, DECAY = 256, 2048, 0.25, 0.99
BOX = 11   # test_dsr.py's avg_pool2d kernel for RGB+D


class Pipeline(nn.Module):
    """test_dsr.py's loop body from in_image to (out_mask_averaged, image_score)."""

    def __init__(self, dada, sr_hi, sr_lo, decode, seg):
        super().__init__()
        self.dada, self.sr_hi, self.sr_lo, self.decode, self.seg = dada, sr_hi, sr_lo, decode, seg

    def forward(self, in_image):                                                  # [1, 4, S, S]
        _, _, recon_out, embeddings_lo, embeddings_hi = self.dada(in_image)
        _, recon_embeddings_hi, _ = self.sr_hi(embeddings_hi, self.dada._vq_vae_bot)   # [1, 256, S/4, S/4]
        _, recon_embeddings_lo, _ = self.sr_lo(embeddings_lo, self.dada._vq_vae_top)   # [1, 256, S/8, S/8]
        up_quantized_recon_t = self.dada.upsample_t(recon_embeddings_lo)               # [1, 256, S/4, S/4]
        quant_join = torch.cat((up_quantized_recon_t, recon_embeddings_hi), dim=1)     # [1, 512, S/4, S/4]
        recon_image_recon = self.decode(quant_join)                                    # [1, 4, S, S]
        out_mask = self.seg(recon_image_recon.detach(), recon_out.detach())            # [1, 2, S, S]
        out_mask_sm = torch.softmax(out_mask, dim=1)
        averaged = F.avg_pool2d(out_mask_sm[:, 1:, :, :], BOX, stride=1, padding=BOX // 2)   # [1, 1, S, S]
        return averaged, averaged.max()


def build(src):
    sys.path.insert(0, src)
    import dsr_model
    import discrete_model_groups
    torch.manual_seed(0)
    dada = discrete_model_groups.DiscreteLatentModelGroups(
        NUM_HIDDENS, NUM_RESIDUAL_LAYERS, NUM_RESIDUAL_HIDDENS, NUM_EMBEDDINGS, EMBEDDING_DIM,
        COMMITMENT, DECAY, in_channels=4, out_channels=4)
    sr_lo = dsr_model.SubspaceRestrictionModule(embedding_size=EMBEDDING_DIM)
    sr_hi = dsr_model.SubspaceRestrictionModule(embedding_size=EMBEDDING_DIM)
    seg = dsr_model.AnomalyDetectionModule(in_channels=8, base_width=32)
    decode = dsr_model.ImageReconstructionNetwork(EMBEDDING_DIM * 2, NUM_HIDDENS, NUM_RESIDUAL_LAYERS,
                                                  NUM_RESIDUAL_HIDDENS, out_channels=4)
    parts = {"dada": dada, "recon_lo": sr_lo, "recon_hi": sr_hi, "seg": seg, "decode": decode}
    for m in parts.values():
        m.eval()   # as test_dsr.py: the VQ's EMA update is off
        for p in m.parameters():
            p.requires_grad_(False)
    return Pipeline(dada, sr_hi, sr_lo, decode, seg), parts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "target", "peers"), help="output folder")
    ap.add_argument("--size", type=int, default=384, help="image side (default 384, the paper's)")
    ap.add_argument("--official", help="a folder holding the official 3DSR .py files (default: a temporary copy)")
    ap.add_argument("--freeze", action="store_true", help="also write 3dsr_rgbd_<S>_frozen.pt: torch.jit.freeze of the"
                    " trace (weights folded in as constants); an extra variant, not the peer the issue names")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    pipe, parts = build(official_3dsr.copy(args.official))

    g = torch.Generator().manual_seed(1)
    x = torch.rand(1, 4, args.size, args.size, generator=g)   # [D, R, G, B] in [0, 1)
    with torch.no_grad():
        t0 = time.time()
        eager_map, eager_score = pipe(x)
        t1 = time.time()
        traced = torch.jit.trace(pipe, (x,), check_trace=False)
        traced_map, traced_score = traced(x)
    diff = (eager_map - traced_map).abs().max().item()
    print("eager forward %.1f s (torch %s); traced vs eager max |diff| %.3g, score %.6f" % (t1 - t0, torch.__version__, diff, eager_score.item()))
    if diff > 1e-5:
        sys.exit("the trace does not reproduce the eager forward")
    graph = str(traced.inlined_graph)
    print("traced graph: %d aten::matmul, %d argmin, %d scatter_, %d conv (aten::_convolution), %d mse_loss" % tuple(
        graph.count(k) for k in ("aten::matmul", "aten::argmin", "aten::scatter_", "aten::_convolution", "aten::mse_loss")))

    pt = os.path.join(args.out, "3dsr_rgbd_%d.pt" % args.size)
    traced.save(pt)
    if args.freeze:
        frozen = torch.jit.freeze(traced.eval())
        with torch.no_grad():
            fdiff = (frozen(x)[0] - eager_map).abs().max().item()
        print("frozen vs eager max |diff| %.3g" % fdiff)
        frozen.save(os.path.join(args.out, "3dsr_rgbd_%d_frozen.pt" % args.size))
    torch.save(parts["dada"].state_dict(), os.path.join(args.out, "dada.pckl"))
    for name in ("seg", "recon_lo", "recon_hi", "decode"):
        torch.save(parts[name].state_dict(), os.path.join(args.out, "model_%s.pckl" % name))
    x.numpy().astype("<f4").tofile(os.path.join(args.out, "input_%d.f32" % args.size))
    eager_map.numpy().astype("<f4").tofile(os.path.join(args.out, "map_%d.f32" % args.size))
    print("wrote", pt, "and the weights, input and map beside it")


if __name__ == "__main__":
    main()
