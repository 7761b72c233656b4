#!/usr/bin/python3
"""Times one OFFICIAL 3DSR stage-2 training step (train_dsr.py) in Debian's torch 1.13 (python; its
BLAS is the reference netlib one), for the record beside ours (dsr3d.bench.peers.Stage2StepPeer,
bench/peers/run-peers.sh --stage2).

    /usr/bin/python3 bench/peers/stage2_step.py [--preset small|paper] [--size 64] [--batch 16]
                                                 [--threads 1,2] [--warm 2] [--reps 5] [--freeze-dada]

It runs train_dsr.train_on_device itself, unmodified, from a temporary copy of the official code
(tests/fixtures/official_3dsr.py; never committed), so the timed iteration is exactly the official
loop body: DADA features under no_grad, generate_fake_anomalies_joined (lo, hi, hi-real), the
use_both / use_lo mixing, both SR nets, DADA general decoder, object decoder, U-Net, softmax,
feature and image MSE, focal + L1 mask loss, backward, Adam step. What is replaced, from outside:
  - the data: a Dataset of random images [1+3, S, S] and random rectangle masks (half empty),
    built before timing; DataLoader with num_workers=0 (the official 2 workers would run the
    augmentation beside the step on a 2-core machine; here there is nothing to augment);
  - torch.load of the DADA checkpoint: a random DADA (seed 0), nn.Module.cuda / Tensor.cuda: identity;
  - evaluate_model: a no-op; checkpoints go to a temporary folder;
  - small preset: the constructors that train_on_device calls with the paper's hard-coded widths
    build the small preset's instead (= ours: DADA hidden 64, residual hidden 32, 2 layers, 256 x 64
    codebooks; SR embedding 64 (base 32); object decoder (128, 64, 2, 32, out 4) with the
    bottleneck 64 -> 16 (ours scales it, the official hard-codes 64: its 1x1 conv, two up-blocks and
    _conv_1 are swapped for 16-channel ones); U-Net (8, base 8)).
Timing: the time between the ends of consecutive Adam steps (patched torch.optim.Adam records it),
i.e. one whole iteration; the first --warm iterations are dropped, the median of --reps is printed.
--freeze-dada: set requires_grad False on the DADA. The official code leaves it True, so its
backward also runs through the DADA's general decoder (whose input is not detached) and computes
gradients nobody uses; ours does not (same gradients for the trained networks).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SMALL = dict(hidden=64, res_hidden=32, layers=2, codes=256, dim=64, seg=8, bottleneck=16)


def child(args):
    import torch
    import torch.nn as nn
    torch.set_num_threads(args.threads)
    sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
    import official_3dsr
    from make_stage2_fixtures import import_official   # stubs imgaug/imageio/torchvision, Tensor.cuda = identity
    dm, train_dsr, _loss, dmg = import_official(official_3dsr.copy(args.official))
    nn.Module.cuda = lambda self, *a, **k: self
    S, B = args.size, args.batch

    # --- the model sizes
    DLMG, SRM, ADM, IRN = dmg.DiscreteLatentModelGroups, dm.SubspaceRestrictionModule, dm.AnomalyDetectionModule, dm.ImageReconstructionNetwork
    def dada(*a, **k):
        torch.manual_seed(0)
        m = DLMG(SMALL["hidden"], SMALL["layers"], SMALL["res_hidden"], SMALL["codes"], SMALL["dim"], 0.25, 0.99,
                 in_channels=4, out_channels=4) if args.preset == "small" else DLMG(*a, **k)
        if args.freeze_dada:
            m.requires_grad_(False)
        return m
    dada_state = dada().state_dict()
    train_dsr.DiscreteLatentModelGroups = dada
    if args.preset == "small":
        def decoder(*_a, **_k):
            d, h, c = SMALL["dim"], SMALL["hidden"], SMALL["bottleneck"]
            m = IRN(2 * d, h, SMALL["layers"], SMALL["res_hidden"], out_channels=4)
            m.pre_vq_conv = nn.Conv2d(8 * d, c, kernel_size=1, stride=1)          # [B, 4*2D, S/16] -> [B, c, ..]
            m.upblock1 = nn.ConvTranspose2d(c, c, kernel_size=4, stride=2, padding=1)
            m.upblock2 = nn.ConvTranspose2d(c, c, kernel_size=4, stride=2, padding=1)
            m._conv_1 = nn.Conv2d(c, h, kernel_size=3, stride=1, padding=1)
            return m
        train_dsr.SubspaceRestrictionModule = lambda embedding_size: SRM(embedding_size=SMALL["dim"])
        train_dsr.AnomalyDetectionModule = lambda in_channels, base_width: ADM(in_channels=in_channels, base_width=SMALL["seg"])
        train_dsr.ImageReconstructionNetwork = decoder

    # --- the data: (warm + reps + 1) batches of random images and masks
    n = B * (args.warm + args.reps + 1)
    g = torch.Generator().manual_seed(1)
    imgs = torch.rand(n, 4, S, S, generator=g)
    masks = torch.zeros(n, 1, S, S)
    for i in range(0, n, 2):   # every other sample anomalous: a random rectangle
        y, x = torch.randint(0, S // 2, (2,), generator=g).tolist()
        masks[i, 0, y:y + S // 4, x:x + S // 4] = 1

    class Data(torch.utils.data.Dataset):
        global_min, global_max = 0.0, 1.0
        def __init__(self, *a, **k): pass
        def __len__(self): return n
        def __getitem__(self, i): return {"image": imgs[i, :1], "rgb_image": imgs[i, 1:], "mask": masks[i]}
    train_dsr.MVTecDRAEMTrainDataset = Data
    DL = train_dsr.DataLoader
    train_dsr.DataLoader = lambda ds, batch_size, shuffle, num_workers: DL(ds, batch_size=batch_size, shuffle=shuffle, num_workers=0)
    train_dsr.evaluate_model = lambda *a, **k: 0.0
    torch.load = lambda *a, **k: dada_state

    # --- the clock: one mark at the end of every Adam step
    marks, trained = [], []
    class Adam(torch.optim.Adam):
        def __init__(self, groups, *a, **k):
            super().__init__(groups, *a, **k)
            trained.append(sum(p.numel() for g in self.param_groups for p in g["params"]))
        def step(self, *a, **k):
            r = super().step(*a, **k)
            marks.append(time.perf_counter())
            return r
    torch.optim.Adam = Adam

    with tempfile.TemporaryDirectory() as out:
        train_dsr.train_on_device(["synthetic"], out + "/", out + "/", 2e-4, B, 1, "peer")
    steps = [b - a for a, b in zip(marks, marks[1:])][args.warm - 1:][:args.reps]
    print("RESULT threads=%d preset=%s size=%d batch=%d trained_parameters=%d freeze_dada=%s median_s=%.3f runs=%s" % (
        args.threads, args.preset, S, B, trained[0], args.freeze_dada, statistics.median(steps), " ".join("%.3f" % s for s in steps)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", choices=("small", "paper"), default="small")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", default="1,2", help="comma-separated torch thread counts, one process each")
    ap.add_argument("--warm", type=int, default=2, help="iterations dropped (>= 1)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--freeze-dada", action="store_true")
    ap.add_argument("--official", help="a folder holding the official 3DSR .py files (default: a temporary copy)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.warm < 1:
        ap.error("--warm must be >= 1 (the first iteration has no start mark)")
    if args.child:
        args.threads = int(args.threads)
        child(args)
        return
    import torch
    print("official train_dsr.py stage-2 step in Debian torch %s (python, CPU); preset %s, %dx%d, batch %d%s" % (
        torch.__version__, args.preset, args.size, args.size, args.batch, ", DADA frozen" if args.freeze_dada else ""))
    for t in args.threads.split(","):
        cmd = [sys.executable, os.path.abspath(__file__), "--child", "--threads", t, "--preset", args.preset,
               "--size", str(args.size), "--batch", str(args.batch), "--warm", str(args.warm), "--reps", str(args.reps)]
        cmd += ["--freeze-dada"] if args.freeze_dada else []
        cmd += ["--official", args.official] if args.official else []
        env = dict(os.environ, OMP_NUM_THREADS=t)
        out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        print("\n".join(l for l in out.splitlines() if l.startswith("RESULT")))


if __name__ == "__main__":
    main()
