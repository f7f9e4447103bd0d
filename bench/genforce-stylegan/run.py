#!/usr/bin/env python3
"""Runs genforce's StyleGAN training (train.py -> runners.StyleGANRunner) on the CPU, one process, unchanged.

Nothing in genforce's tree is edited. This launcher only
  * stubs two imports that the path we run never uses (torch.utils.tensorboard: no Debian package; the
    RunningLogger's tensorboard output is off in the config. torchvision.models.utils: gone from torchvision 0.14,
    imported by metrics/inception.py for the FID evaluator, which is not used);
  * makes the CUDA calls no-ops (Tensor.cuda, Module.cuda -> self; torch.cuda.current_device -> 0);
  * replaces train.py's init_dist with a gloo process group of world size 1, rank 0, on 127.0.0.1, and drops
    DistributedDataParallel's device_ids (a CPU module takes none);
  * keeps channel 0 of each real image: genforce's zip loader decodes with cv2.IMREAD_COLOR (3 equal channels for
    a grayscale PNG), the networks are built with image_channels=1;
  * adds one controller of its own, KimgSaver: per-kimg time and mean losses, and every 10 kimg the smoothed
    generator's weights, an 8x8 grid and 1,000 samples (32x32 uint8 grayscale PNGs).

Usage: python3 run.py --genforce /tmp/gf-train --seed 0 --out /work/genforce-mnist/seed0 [--threads 1]
"""

import argparse
import json
import os
import socket
import sys
import time
import types


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--genforce', required=True, help='folder with genforce/genforce extracted (commit 197feee)')
    p.add_argument('--config', default=os.path.join(here, 'config_sg1f_mnist32.py'))
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', required=True, help='output folder (kimgNNN/ snapshots, work/ genforce work_dir)')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    p.add_argument('--options', nargs='*', default=[], help='extra genforce --options key=value')
    return p.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def main():
    args = parse_args()
    gf = os.path.abspath(args.genforce)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    sys.path.insert(0, gf)
    os.chdir(gf)

    import numpy as np
    import torch
    import torch.distributed as dist
    import PIL.Image

    torch.set_num_threads(args.threads)

    # --- import stubs (modules not used on this path) ---
    tb = types.ModuleType('torch.utils.tensorboard')

    class SummaryWriter:  # never constructed: RunningLogger(tensorboard_format=False)
        def __init__(self, *a, **k):
            raise RuntimeError('tensorboard is stubbed out')
    tb.SummaryWriter = SummaryWriter
    sys.modules['torch.utils.tensorboard'] = tb
    tvu = types.ModuleType('torchvision.models.utils')
    tvu.load_state_dict_from_url = torch.hub.load_state_dict_from_url
    sys.modules['torchvision.models.utils'] = tvu

    # --- CPU: CUDA calls become no-ops ---
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.nn.Module.cuda = lambda self, *a, **k: self
    torch.cuda.current_device = lambda: 0

    _DDP = torch.nn.parallel.DistributedDataParallel

    class CpuDDP(_DDP):
        def __init__(self, module, device_ids=None, **kwargs):
            super().__init__(module, device_ids=None, **kwargs)
    torch.nn.parallel.DistributedDataParallel = CpuDDP

    os.environ.update(RANK='0', WORLD_SIZE='1', LOCAL_RANK='0', MASTER_ADDR='127.0.0.1',
                      MASTER_PORT=str(free_port()))

    import train  # genforce's train.py
    import runners
    import runners.controllers
    from runners.controllers.base_controller import BaseController
    from datasets import BaseDataset

    def init_dist_cpu(launcher, backend='gloo', **kwargs):
        dist.init_process_group(backend='gloo', init_method='env://', rank=0, world_size=1)
    train.init_dist = init_dist_cpu

    _getitem = BaseDataset.__getitem__

    def getitem_gray(self, idx):
        data = _getitem(self, idx)
        data['image'] = data['image'][:1]   # [3,H,W] (equal channels) -> [1,H,W]
        return data
    BaseDataset.__getitem__ = getitem_gray

    class KimgSaver(BaseController):
        """Per-kimg timing and mean losses; every `save_every_img` images: Gs weights, grid and samples."""

        def __init__(self, config):
            config = dict(config)
            config.setdefault('master_only', True)
            super().__init__(config)
            self.every = config.get('save_every_img', 10_000)
            self.num = config.get('num_samples', 1000)
            self.grid_num = config.get('grid_num', 64)
            self.sample_seed = config.get('sample_seed', 0)

        def setup(self, runner):
            g = torch.Generator().manual_seed(self.sample_seed)
            self.z = torch.randn(self.num, runner.z_space_dim, generator=g)
            self.next_kimg = 1
            self.next_save = self.every
            self.t_start = self.t_last = time.time()
            self.save_time = 0.0
            self.acc = {}
            self.log = open(os.path.join(out, 'kimg_log.jsonl'), 'a')

        def close(self, runner):
            self.log.close()

        def execute_after_iteration(self, runner):
            for name in ('d_loss', 'g_loss', 'real_grad_penalty'):
                st = runner.running_stats.stats_pool.get(name)
                if st is not None and st.cnt > 0:
                    s, c = self.acc.get(name, (0.0, 0))
                    self.acc[name] = (s + st.val, c + 1)
            while runner.seen_img >= self.next_kimg * 1000:
                now = time.time()
                rec = dict(kimg=self.next_kimg, seen_img=runner.seen_img, iter=runner.iter,
                           lod=round(float(runner.lod), 4), minibatch=runner.batch_size,
                           sec_kimg=round(now - self.t_last, 2),
                           sec_total=round(now - self.t_start - self.save_time, 1))
                rec.update({k: round(s / c, 4) for k, (s, c) in self.acc.items()})
                self.log.write(json.dumps(rec) + '\n')
                self.log.flush()
                runner.logger.info(f'[kimg] {json.dumps(rec)}')
                self.acc = {}
                self.t_last = now
                self.next_kimg += 1
            if runner.seen_img >= self.next_save:
                t0 = time.time()
                self.save(runner, self.next_save // 1000)
                self.next_save += self.every
                dt = time.time() - t0
                self.save_time += dt
                self.t_last += dt

        @torch.no_grad()
        def save(self, runner, kimg):
            d = os.path.join(out, f'kimg{kimg:03d}')
            os.makedirs(os.path.join(d, 'samples'), exist_ok=True)
            Gs = runner.get_module(runner.models['generator_smooth'])
            was_training = Gs.training
            Gs.eval()
            imgs = []
            for i in range(0, self.num, 100):
                x = Gs(self.z[i:i + 100], **runner.G_kwargs_val)['image']
                imgs.append((x * 127.5 + 128).clamp(0, 255).to(torch.uint8))
            Gs.train(was_training)
            imgs = torch.cat(imgs)[:, 0].numpy()   # [N, H, W]
            for i, im in enumerate(imgs):
                PIL.Image.fromarray(im, 'L').save(os.path.join(d, 'samples', f'{i:06d}.png'))
            n = int(np.sqrt(self.grid_num))
            h, w = imgs.shape[1:]
            grid = imgs[:n * n].reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
            PIL.Image.fromarray(grid, 'L').save(os.path.join(d, 'grid.png'))
            PIL.Image.fromarray(grid, 'L').resize((n * w * 4, n * h * 4), PIL.Image.NEAREST).save(
                os.path.join(d, 'grid_x4.png'))
            torch.save(Gs.state_dict(), os.path.join(d, 'generator_smooth.pth'))
            meta = dict(kimg=kimg, seen_img=runner.seen_img, iter=runner.iter, lod=float(runner.lod),
                        gs_lod=float(Gs.synthesis.lod), G_kwargs_val=dict(runner.G_kwargs_val),
                        z='torch.randn(%d, %d, generator=torch.Generator().manual_seed(%d))'
                          % (self.num, runner.z_space_dim, self.sample_seed),
                        convert='(x * 127.5 + 128).clamp(0, 255).to(uint8)')
            with open(os.path.join(d, 'meta.json'), 'w') as f:
                json.dump(meta, f, indent=2)
            runner.logger.info(f'[KimgSaver] saved {d} (seen_img {runner.seen_img}, lod {runner.lod})')

    runners.controllers.KimgSaver = KimgSaver

    sys.argv = ['train.py', os.path.abspath(args.config), '--work_dir', os.path.join(out, 'work'),
                '--seed', str(args.seed), '--launcher', 'pytorch', '--backend', 'gloo']
    if args.options:
        sys.argv += ['--options'] + args.options
    t0 = time.time()
    train.main()
    print(f'[run.py] wall time {time.time() - t0:.1f} s', flush=True)


if __name__ == '__main__':
    main()
