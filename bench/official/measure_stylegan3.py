#!/usr/bin/env python3
"""NVIDIA's StyleGAN3 code on the CPU, for bench/StyleGan.Bench's --stylegan3 comparison.

One measurement per process (peak RSS only grows), printed as one line 'RESULT {json}':

    python3 measure_stylegan3.py --src SOURCES/stylegan3 [--threads 2] SHAPE WORKLOAD BATCH [--iters 3]

SHAPE is one of the bench's StyleGAN3 shapes (BenchShape.StyleGan3: sg3t-cpu32, sg3r-cpu32, sg3t-small64,
sg3r-small64, sg3t-ffhq1024), built as stylegan3's train.py builds --cfg stylegan3-t / stylegan3-r
for that size (the cpu32 ones as our CPU presets: 4 layers, margin 4, R's channels not doubled; otherwise R: G's
channels doubled, conv_kernel 1, use_radial_filters; mapping 2 layers; D networks_stylegan2.Discriminator at the
undoubled widths), random weights after torch.manual_seed(0). WORKLOAD is
- forward: G(z, None, truncation_psi=0.7) under torch.no_grad(), as gen_images.py generates;
- train-step: training/loss.py's StyleGAN2Loss (r1_gamma 0, no blur), Gmain then Dmain with Adam (betas 0/0.99,
  G lr 0.0025, D lr 0.002), zero_grad(set_to_none=True) before each, as training_loop.py runs them.
Median seconds of --iters iterations after one warm-up; peak RSS is VmHWM of /proc/self/status (KiB). On the CPU
NVIDIA's ops take their reference paths (impl='ref'). The sources are not part of this repository: extract them
with `git --git-dir=PATH/TO/stylegan3.git archive HEAD | tar -x -C SOURCES/stylegan3`.
"""
import argparse
import json
import statistics
import sys
import time

SHAPES = {
    # The stylegan3-t-cpu / stylegan3-r-cpu presets' networks in RGB: 4 layers, margin 4, R without doubled channels.
    'sg3t-cpu32': dict(res=32, latent=128, cbase=1024, cmax=32, r=False, num_layers=4, margin_size=4),
    'sg3r-cpu32': dict(res=32, latent=128, cbase=1024, cmax=32, r=True, num_layers=4, margin_size=4),
    'sg3t-small64': dict(res=64, latent=128, cbase=4096, cmax=128, r=False),
    'sg3r-small64': dict(res=64, latent=128, cbase=4096, cmax=128, r=True),
    'sg3t-ffhq1024': dict(res=1024, latent=512, cbase=32768, cmax=512, r=False),
}


def status(key):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key + ':'):
                return int(line.split()[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--iters', type=int, default=3)
    ap.add_argument('shape', choices=sorted(SHAPES))
    ap.add_argument('workload', choices=['forward', 'train-step'])
    ap.add_argument('batch', type=int)
    args = ap.parse_args()
    sys.path.insert(0, args.src)
    import torch
    torch.set_num_threads(args.threads)
    from training.loss import StyleGAN2Loss
    from training.networks_stylegan2 import Discriminator
    from training.networks_stylegan3 import Generator

    s = SHAPES[args.shape]
    small = {k: s[k] for k in ('num_layers', 'margin_size') if k in s}
    scale = 2 if s['r'] and not small else 1
    extra = dict(conv_kernel=1, use_radial_filters=True, **small) if s['r'] else dict(small)
    torch.manual_seed(0)
    G = Generator(z_dim=s['latent'], w_dim=s['latent'], c_dim=0, img_resolution=s['res'], img_channels=3,
                  channel_base=s['cbase'] * scale, channel_max=s['cmax'] * scale, mapping_kwargs=dict(num_layers=2),
                  magnitude_ema_beta=0.5 ** (args.batch / 20000), **extra)
    B = args.batch
    times = []
    if args.workload == 'forward':
        G.eval().requires_grad_(False)
        z = torch.randn(B, G.z_dim)
        with torch.no_grad():
            for _ in range(1 + args.iters):
                t0 = time.perf_counter()
                G(z, None, truncation_psi=0.7)
                times.append(time.perf_counter() - t0)
    else:
        D = Discriminator(c_dim=0, img_resolution=s['res'], img_channels=3, channel_base=s['cbase'], channel_max=s['cmax'],
                          epilogue_kwargs=dict(mbstd_group_size=min(4, B)))
        G.train().requires_grad_(False)
        D.train().requires_grad_(False)
        loss = StyleGAN2Loss(device=torch.device('cpu'), G=G, D=D, r1_gamma=0)
        phases = [('Gmain', G, torch.optim.Adam(G.parameters(), lr=0.0025, betas=(0, 0.99), eps=1e-8)),
                  ('Dmain', D, torch.optim.Adam(D.parameters(), lr=0.002, betas=(0, 0.99), eps=1e-8))]
        reals = torch.rand(B, 3, s['res'], s['res']) * 2 - 1
        c = torch.zeros([B, 0])
        for _ in range(1 + args.iters):
            t0 = time.perf_counter()
            for name, module, opt in phases:
                opt.zero_grad(set_to_none=True)
                module.requires_grad_(True)
                loss.accumulate_gradients(phase=name, real_img=reals, real_c=c, gen_z=torch.randn(B, G.z_dim), gen_c=c, gain=1, cur_nimg=0)
                module.requires_grad_(False)
                opt.step()
            times.append(time.perf_counter() - t0)
    print('RESULT ' + json.dumps(dict(shape=args.shape, workload=args.workload, batch=B, torch=torch.__version__,
                                      iter_s=statistics.median(times[1:]), warmup_s=times[0], peak_rss_kib=status('VmHWM'))), flush=True)


if __name__ == '__main__':
    main()
