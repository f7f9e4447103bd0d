#!/usr/bin/env python3
"""Baseline measurements of NVIDIA's official StyleGAN2-ADA-PyTorch code on the CPU.

The C# port (bench/StyleGan.Bench) is compared against these figures: seconds to load a
snapshot pickle, seconds per generated image, and peak resident memory, measured with the
official networks (training/networks.py), dnnlib, legacy and torch_utils used as they are.
On the CPU the official code falls back to its reference ops (no custom CUDA kernels).

The official code is NOT part of this repository. Get it with (from a mirror or a clone of
https://github.com/NVlabs/stylegan2-ada-pytorch):

    mkdir -p /tmp/official/src
    git --git-dir=PATH/TO/stylegan2-ada-pytorch/.git archive HEAD | tar -x -C /tmp/official/src

and pass --src /tmp/official/src (the default) or set STYLEGAN2ADA_SRC.

Usage (run with nice and one job at a time on a shared machine):

    python3 measure_official.py make-pickle /tmp/official/ffhq1024.pkl
        Builds Generator/Discriminator of NVIDIA's FFHQ-1024 size (config F: z=w=512, c=0,
        8 mapping layers, 1024x1024, channel_base 32768, channel_max 512, num_fp16_res 4,
        conv_clamp 256; D resnet, mbstd group 4) through dnnlib.util.construct_class_by_name
        as train.py/training_loop.py do, G_ema = deepcopy(G), random weights after
        torch.manual_seed(0), and pickles dict(G, D, G_ema, augment_pipe=None,
        training_set_kwargs=None) exactly as training_loop.py saves snapshots.

    python3 measure_official.py measure PICKLE --seed 0 --out IMG.png [--json OUT.json]
        In a fresh process each: (a) load only, (b) load + generate two images of batch 1
        (psi 0.7, noise_mode 'const', force_fp32, torch.no_grad(), z as generate.py makes
        it); reports load seconds, seconds for the second image, peak RSS. Saves the
        image as generate.py converts it.

    python3 measure_official.py shapes [--json OUT.json]
        Networks built in memory with random weights: cifar32 and small64, G forward at
        batch 1 and 16, each in a fresh process: median seconds of 3 iterations after 1
        warm-up, and peak RSS.

    python3 measure_official.py convolutions [--json OUT.json]
        The 3x3 convolutions of bench/StyleGan.Bench/ConvolutionBench.cs (batch 16: 512 ch at 8x8
        and 32x32, 128 ch at 32x32, 64 ch at 64x64), forward and both gradients, as plain
        torch.nn.functional.conv2d (no official code needed): median of --iters after 1 warm-up.

    python3 measure_official.py train-step [--json OUT.json]
        The bench's training step on cifar32 and small64 with the official networks and loss:
        Generator and Discriminator as train.py builds them (num_fp16_res 0, conv_clamp None,
        D resnet), StyleGAN2Loss with style mixing 0.9 and no regularization (r1_gamma 0,
        pl_weight 0), Adam (lr 0.0025, betas 0/0.99); one iteration is the Gmain phase then the
        Dmain phase (zero_grad, accumulate_gradients, step) at batch 16, as training_loop.py runs
        them. Median of 3 iterations after 1 warm-up, each shape in a fresh process.

    python3 measure_official.py all --pickle P.pkl --png P.png --json OUT.json
        make-pickle (if P.pkl is missing), measure, shapes; writes one JSON file.

Every measurement prints one JSON line (prefixed 'RESULT ') and the parent prints a table.
Peak RSS is getrusage(RUSAGE_SELF).ru_maxrss (KiB) and VmHWM from /proc/self/status (KiB)
of the measuring process, which includes the Python interpreter and torch itself
('base_rss_kib' is VmRSS after the imports, before any network exists).
torch.set_num_threads(--threads, default 2) in every process.
"""

import argparse
import copy
import datetime
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time

DEFAULT_SRC = os.environ.get('STYLEGAN2ADA_SRC', '/tmp/official/src')

SHAPES = {
    # name: generator kwargs (as train.py builds G_kwargs), resolution
    'cifar32': dict(z_dim=512, w_dim=512, img_resolution=32, mapping_layers=2,
                    channel_base=16384, channel_max=512),
    'small64': dict(z_dim=128, w_dim=128, img_resolution=64, mapping_layers=2,
                    channel_base=4096, channel_max=128),
}


# ----------------------------------------------------------------------------- helpers

def _setup(src, threads):
    sys.path.insert(0, src)
    import torch
    torch.set_num_threads(threads)
    return torch


def _proc_status(key):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(key + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _mem():
    return dict(ru_maxrss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                vmhwm_kib=_proc_status('VmHWM'), vmrss_kib=_proc_status('VmRSS'))


def _cpu_info():
    info = {}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if ':' not in line:
                    if info:
                        break
                    continue
                k, v = [s.strip() for s in line.split(':', 1)]
                if k in ('vendor_id', 'model name', 'cpu family', 'model', 'stepping', 'cache size') and k not in info:
                    info[k] = v
                if k == 'flags':
                    fl = v.split()
                    info['simd'] = [x for x in fl if x.startswith(('avx2', 'avx512', 'amx'))]
    except OSError:
        pass
    info['logical_cpus'] = os.cpu_count()
    try:
        info['sched_affinity'] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    return info


def _blas_lib():
    """The BLAS shared library this process has mapped (Debian's torch links libblas.so.3,
    whose provider is chosen by update-alternatives or LD_LIBRARY_PATH)."""
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({l.split()[-1] for l in f if 'blas' in l.lower() and '/' in l})
        return [os.path.realpath(p) for p in libs]
    except OSError:
        return None


def _emit(obj):
    obj.setdefault('blas_lib', _blas_lib())
    obj.setdefault('loadavg_at_end', os.getloadavg())
    print('RESULT ' + json.dumps(obj), flush=True)


def _gen_image(G, torch, np, seed, psi):
    z = torch.from_numpy(np.random.RandomState(seed).randn(1, G.z_dim))  # as generate.py
    label = torch.zeros([1, G.c_dim])
    img = G(z, label, truncation_psi=psi, noise_mode='const', force_fp32=True)
    img = (img.permute(0, 2, 3, 1) * 127.5 + 128).clamp(0, 255).to(torch.uint8)
    return img


def _save_png(img_hwc_uint8, path):
    arr = img_hwc_uint8
    try:
        import PIL.Image
        PIL.Image.fromarray(arr, 'RGB').save(path)  # as generate.py
        return 'PIL ' + PIL.__version__
    except ImportError:
        import struct
        import zlib
        h, w, _ = arr.shape
        raw = b''.join(b'\x00' + arr[y].tobytes() for y in range(h))
        def chunk(t, d):
            return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
        with open(path, 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                    + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))
        return 'zlib'


# ----------------------------------------------------------------------------- make-pickle

def make_pickle(out, src, threads):
    torch = _setup(src, threads)
    import dnnlib
    EasyDict = dnnlib.EasyDict
    # As train.py (cfg 'stylegan2' = config F, fmaps=1, map=8, mbstd=4) builds the kwargs.
    G_kwargs = EasyDict(class_name='training.networks.Generator', z_dim=512, w_dim=512,
                        mapping_kwargs=EasyDict(), synthesis_kwargs=EasyDict())
    D_kwargs = EasyDict(class_name='training.networks.Discriminator', block_kwargs=EasyDict(),
                        mapping_kwargs=EasyDict(), epilogue_kwargs=EasyDict())
    G_kwargs.synthesis_kwargs.channel_base = D_kwargs.channel_base = 32768
    G_kwargs.synthesis_kwargs.channel_max = D_kwargs.channel_max = 512
    G_kwargs.mapping_kwargs.num_layers = 8
    G_kwargs.synthesis_kwargs.num_fp16_res = D_kwargs.num_fp16_res = 4
    G_kwargs.synthesis_kwargs.conv_clamp = D_kwargs.conv_clamp = 256
    D_kwargs.epilogue_kwargs.mbstd_group_size = 4
    # D architecture: train.py leaves the default ('resnet') for cfg stylegan2.
    common_kwargs = dict(c_dim=0, img_resolution=1024, img_channels=3)

    torch.manual_seed(0)
    t0 = time.perf_counter()
    # As training_loop.py (device = cpu here).
    G = dnnlib.util.construct_class_by_name(**G_kwargs, **common_kwargs).train().requires_grad_(False)
    D = dnnlib.util.construct_class_by_name(**D_kwargs, **common_kwargs).train().requires_grad_(False)
    G_ema = copy.deepcopy(G).eval()
    assert D.b1024.architecture == 'resnet'
    t_build = time.perf_counter() - t0

    snapshot_data = dict(training_set_kwargs=None)
    for name, module in [('G', G), ('D', D), ('G_ema', G_ema), ('augment_pipe', None)]:
        if module is not None:
            module = copy.deepcopy(module).eval().requires_grad_(False).cpu()
        snapshot_data[name] = module
        del module
    t0 = time.perf_counter()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, 'wb') as f:
        pickle.dump(snapshot_data, f)
    t_save = time.perf_counter() - t0
    n = lambda m: sum(p.numel() for p in m.parameters())
    nb = lambda m: sum(b.numel() for b in m.buffers())
    res = dict(kind='make-pickle', path=os.path.abspath(out), bytes=os.path.getsize(out),
               mib=round(os.path.getsize(out) / 2**20, 1),
               G_params=n(G), G_buffers=nb(G), D_params=n(D), D_buffers=nb(D),
               build_s=round(t_build, 3), save_s=round(t_save, 3),
               G_kwargs=G_kwargs, D_kwargs=D_kwargs, common_kwargs=common_kwargs, **_mem())
    _emit(res)
    return res


# ----------------------------------------------------------------------------- children

def child_env(args):
    torch = _setup(args.src, args.threads)
    import numpy as np
    res = dict(kind='env', python=platform.python_version(), torch=torch.__version__,
               numpy=np.__version__, torch_threads=torch.get_num_threads(),
               torch_interop_threads=torch.get_num_interop_threads(),
               mkldnn=torch.backends.mkldnn.is_available(),
               torch_config=[l.strip() for l in torch.__config__.show().splitlines()
                             if any(k in l for k in ('MKL', 'CPU capability', 'OpenMP')) and 'Build settings' not in l],
               build_settings=[s.strip() for s in torch.__config__.show().replace('Build settings:', ',').split(',')
                               if s.strip().startswith(('BLAS_INFO', 'LAPACK_INFO', 'USE_MKLDNN', 'USE_OPENMP', 'TORCH_VERSION'))])
    # Quick throughput probes (to see what BLAS/oneDNN the torch build runs on).
    with torch.no_grad():
        a = torch.randn(1024, 1024); b = torch.randn(1024, 1024)
        a @ b
        t0 = time.perf_counter(); reps = 5
        for _ in range(reps):
            a @ b
        res['sgemm_1024_gflops'] = round(2 * 1024**3 * reps / (time.perf_counter() - t0) / 1e9, 1)
        x = torch.randn(1, 512, 64, 64); w = torch.randn(512, 512, 3, 3)
        torch.nn.functional.conv2d(x, w, padding=1)
        t0 = time.perf_counter(); reps = 3
        for _ in range(reps):
            torch.nn.functional.conv2d(x, w, padding=1)
        res['conv3x3_512ch_64px_gflops'] = round(2 * 512 * 512 * 9 * 64 * 64 * reps / (time.perf_counter() - t0) / 1e9, 1)
    _emit(res)


def child_load(args):
    torch = _setup(args.src, args.threads)
    import numpy as np
    import legacy
    base = _proc_status('VmRSS')
    t0 = time.perf_counter()
    with open(args.pickle, 'rb') as f:
        if args.loader == 'legacy':
            G = legacy.load_network_pkl(f)['G_ema']  # as generate.py (the whole dict is unpickled)
        else:
            G = pickle.load(f)['G_ema']
    t_load = time.perf_counter() - t0
    res = dict(kind='load', workload='load only' if not args.generate else 'load + 1 image',
               loader=args.loader, load_s=round(t_load, 3), base_rss_kib=base)
    res['after_load'] = _mem()
    if args.generate:
        times, cpus = [], []
        img = None
        with torch.no_grad():
            for i in range(args.images):
                t0, c0 = time.perf_counter(), time.process_time()
                im = _gen_image(G, torch, np, args.seed, args.psi)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
                if img is not None:
                    assert torch.equal(img, im), 'two generations of the same seed differ'
                img = im
        res.update(seed=args.seed, psi=args.psi, noise_mode='const', force_fp32=True, batch=1,
                   image_s_all=[round(t, 3) for t in times], image_s=round(times[-1], 3),
                   image_cpu_s_all=[round(t, 3) for t in cpus], image_cpu_s=round(cpus[-1], 3),
                   image_shape=list(img.shape))
        if args.out:
            res['png_writer'] = _save_png(img[0].numpy(), args.out)
            res['png'] = os.path.abspath(args.out)
    res.update(_mem())
    _emit(res)


def child_shape(args):
    torch = _setup(args.src, args.threads)
    import numpy as np
    import dnnlib
    s = SHAPES[args.shape]
    base = _proc_status('VmRSS')
    G_kwargs = dnnlib.EasyDict(class_name='training.networks.Generator', z_dim=s['z_dim'], w_dim=s['w_dim'],
                               mapping_kwargs=dnnlib.EasyDict(num_layers=s['mapping_layers']),
                               synthesis_kwargs=dnnlib.EasyDict(channel_base=s['channel_base'],
                                                                channel_max=s['channel_max']))
    torch.manual_seed(0)
    G = dnnlib.util.construct_class_by_name(**G_kwargs, c_dim=0, img_resolution=s['img_resolution'],
                                            img_channels=3).eval().requires_grad_(False)
    after_build = _mem()
    B = args.batch
    z = torch.from_numpy(np.random.RandomState(0).randn(B, G.z_dim))
    c = torch.zeros([B, 0])
    times, cpus = [], []
    with torch.no_grad():
        for i in range(1 + args.iters):
            t0, c0 = time.perf_counter(), time.process_time()
            img = G(z, c, truncation_psi=0.7, noise_mode='const', force_fp32=True)
            img = (img.permute(0, 2, 3, 1) * 127.5 + 128).clamp(0, 255).to(torch.uint8)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
    res = dict(kind='shape', shape=args.shape, workload=f'G forward batch {B}', batch=B,
               G_params=sum(p.numel() for p in G.parameters()), G_kwargs=G_kwargs,
               img_resolution=s['img_resolution'], psi=0.7, noise_mode='const', force_fp32=True,
               warmup_s=round(times[0], 4), iter_s_all=[round(t, 4) for t in times[1:]],
               iter_s=round(statistics.median(times[1:]), 4),
               img_per_s=round(B / statistics.median(times[1:]), 2),
               iter_cpu_s_all=[round(t, 4) for t in cpus[1:]], iter_cpu_s=round(statistics.median(cpus[1:]), 4),
               base_rss_kib=base, after_build=after_build, **_mem())
    _emit(res)


CONVOLUTIONS = [  # name, batch, channels, size: as ConvolutionBench.Shapes
    ('cifar32 b8 (512 ch, 8x8)', 16, 512, 8),
    ('cifar32 b32 (512 ch, 32x32)', 16, 512, 32),
    ('small64 b32 (128 ch, 32x32)', 16, 128, 32),
    ('small64 b64 (64 ch, 64x64)', 16, 64, 64),
]


def child_convolutions(args):
    torch = _setup(args.src, args.threads)
    rows = []
    for name, batch, channels, size in CONVOLUTIONS:
        torch.manual_seed(0)
        x = torch.randn(batch, channels, size, size, requires_grad=True)
        w = torch.randn(channels, channels, 3, 3, requires_grad=True)
        times = []
        for _ in range(1 + args.iters):
            t0 = time.perf_counter()
            torch.nn.functional.conv2d(x, w, padding=1).square().sum().backward()
            times.append(time.perf_counter() - t0)
            x.grad = w.grad = None
        seconds = statistics.median(times[1:])
        gflop = 3 * 2.0 * batch * channels * channels * 9 * size * size / 1e9  # forward, input and weight gradients
        rows.append(dict(shape=name, seconds=round(seconds, 4), gflop=gflop, gflops=round(gflop / seconds, 1),
                         iter_s_all=[round(t, 4) for t in times[1:]]))
    _emit(dict(kind='convolutions', workload='3x3 conv2d forward + backward, batch 16', torch=torch.__version__,
               mkldnn=torch.backends.mkldnn.is_available(), rows=rows, **_mem()))


def child_train_step(args):
    torch = _setup(args.src, args.threads)
    import dnnlib
    from training.loss import StyleGAN2Loss
    s = SHAPES[args.shape]
    torch.manual_seed(0)
    G = dnnlib.util.construct_class_by_name(class_name='training.networks.Generator', z_dim=s['z_dim'], w_dim=s['w_dim'],
                                            c_dim=0, img_resolution=s['img_resolution'], img_channels=3,
                                            mapping_kwargs=dnnlib.EasyDict(num_layers=s['mapping_layers']),
                                            synthesis_kwargs=dnnlib.EasyDict(channel_base=s['channel_base'],
                                                                             channel_max=s['channel_max']))
    D = dnnlib.util.construct_class_by_name(class_name='training.networks.Discriminator', c_dim=0,
                                            img_resolution=s['img_resolution'], img_channels=3,
                                            channel_base=s['channel_base'], channel_max=s['channel_max'])
    G.train().requires_grad_(False)
    D.train().requires_grad_(False)
    loss = StyleGAN2Loss(device=torch.device('cpu'), G_mapping=G.mapping, G_synthesis=G.synthesis, D=D,
                         style_mixing_prob=0.9, r1_gamma=0, pl_weight=0)
    phases = [('Gmain', G, torch.optim.Adam(G.parameters(), lr=0.0025, betas=(0, 0.99), eps=1e-8)),
              ('Dmain', D, torch.optim.Adam(D.parameters(), lr=0.0025, betas=(0, 0.99), eps=1e-8))]
    B = args.batch
    reals = torch.rand(B, 3, s['img_resolution'], s['img_resolution']) * 2 - 1
    c = torch.zeros([B, 0])
    times = []
    for _ in range(1 + args.iters):
        t0 = time.perf_counter()
        for name, module, opt in phases:
            opt.zero_grad(set_to_none=True)
            module.requires_grad_(True)
            loss.accumulate_gradients(phase=name, real_img=reals, real_c=c, gen_z=torch.randn(B, G.z_dim), gen_c=c,
                                      sync=True, gain=1)
            module.requires_grad_(False)
            opt.step()
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times[1:])
    _emit(dict(kind='train', shape=args.shape, workload=f'train step: G then D, no reg, batch {B}', batch=B, torch=torch.__version__,
               iter_s=round(seconds, 4), img_per_s=round(B / seconds, 2), iter_s_all=[round(t, 4) for t in times[1:]],
               warmup_s=round(times[0], 4), **_mem()))


# ----------------------------------------------------------------------------- parent

def _run_child(args, argv):
    cmd = [sys.executable, os.path.abspath(__file__), '--src', args.src, '--threads', str(args.threads)] + argv
    print('$ ' + ' '.join(cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f'child failed ({p.returncode}): {argv}')
    out = [json.loads(l[7:]) for l in p.stdout.splitlines() if l.startswith('RESULT ')]
    assert len(out) == 1, p.stdout
    return out[0]


def _mib(kib):
    return f'{kib / 1024:.0f}' if kib is not None else '-'


def table(rows):
    lines = ['| workload | load s | s / iteration (wall) | CPU s / iteration | img/s | peak RSS MiB (ru_maxrss) | VmHWM MiB | base RSS MiB | loadavg |',
             '|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        if r['kind'] == 'load':
            name = f"ffhq1024 pickle, {r['workload']}"
            it = f"{r['image_s']:.2f} (first {r['image_s_all'][0]:.2f})" if 'image_s' in r else '-'
            ips = f"{1 / r['image_s']:.3f}" if 'image_s' in r else '-'
            cpu = f"{r['image_cpu_s']:.2f}" if 'image_cpu_s' in r else '-'
            lines.append(f"| {name} | {r['load_s']:.2f} | {it} | {cpu} | {ips} | {_mib(r['ru_maxrss_kib'])} | "
                         f"{_mib(r['vmhwm_kib'])} | {_mib(r['base_rss_kib'])} | {r['loadavg_at_end'][0]:.1f} |")
        elif r['kind'] == 'train':
            lines.append(f"| {r['shape']}, {r['workload']} | - | {r['iter_s']:.3f} | - | {r['img_per_s']} | "
                         f"{_mib(r['ru_maxrss_kib'])} | {_mib(r['vmhwm_kib'])} | - | {r['loadavg_at_end'][0]:.1f} |")
        elif r['kind'] == 'convolutions':
            for c in r['rows']:
                lines.append(f"| conv {c['shape']} (torch {r['torch']}) | - | {c['seconds']:.3f} | - | {c['gflops']} GFLOP/s | - | - | - | - |")
        elif r['kind'] == 'shape':
            lines.append(f"| {r['shape']}, {r['workload']} | - | {r['iter_s']:.3f} | {r['iter_cpu_s']:.3f} | {r['img_per_s']} | "
                         f"{_mib(r['ru_maxrss_kib'])} | {_mib(r['vmhwm_kib'])} | {_mib(r['base_rss_kib'])} | {r['loadavg_at_end'][0]:.1f} |")
    return '\n'.join(lines)


def do_measure(args):
    rows = [_run_child(args, ['_load', args.pickle, '--loader', args.loader]),
            _run_child(args, ['_load', args.pickle, '--loader', args.loader, '--generate', '--seed', str(args.seed),
                        '--images', '2'] + (['--out', args.out] if args.out else []))]
    return rows


def do_shapes(args):
    rows = []
    for shape in SHAPES:
        for batch in (1, 16):
            rows.append(_run_child(args, ['_shape', shape, '--batch', str(batch), '--iters', '3']))
    return rows


def _write(args, rows, extra=None):
    env = _run_child(args, ['_env'])
    doc = dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
               machine=dict(hostname=platform.node(), kernel=platform.release(), cpu=_cpu_info(),
                            loadavg_at_end=os.getloadavg(), nice=os.nice(0)),
               env=env, threads=args.threads,
               env_vars={k: os.environ[k] for k in ('LD_LIBRARY_PATH', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS') if k in os.environ}, official_src=args.src, results=rows)
    if extra:
        doc.update(extra)
    print(json.dumps(doc))
    print(table(rows))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(doc, f, indent=1)
            f.write('\n')
        print('wrote', args.json)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--src', default=DEFAULT_SRC, help='official stylegan2-ada-pytorch source tree')
    ap.add_argument('--threads', type=int, default=2)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('make-pickle'); p.add_argument('out')
    p = sub.add_parser('measure'); p.add_argument('pickle'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out'); p.add_argument('--json'); p.add_argument('--loader', choices=['legacy', 'pickle'], default='legacy')
    p = sub.add_parser('shapes'); p.add_argument('--json')
    p = sub.add_parser('convolutions'); p.add_argument('--json'); p.add_argument('--iters', type=int, default=3)
    p = sub.add_parser('train-step'); p.add_argument('--json')
    p = sub.add_parser('all'); p.add_argument('--pickle', default='/tmp/official/ffhq1024.pkl')
    p.add_argument('--png', default='/tmp/official/seed0000-official.png'); p.add_argument('--json')
    p.add_argument('--loader', choices=['legacy', 'pickle'], default='legacy')
    # internal: one measurement in a fresh process
    p = sub.add_parser('_env')
    p = sub.add_parser('_load'); p.add_argument('pickle'); p.add_argument('--loader', default='legacy')
    p.add_argument('--generate', action='store_true'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--images', type=int, default=2); p.add_argument('--psi', type=float, default=0.7)
    p.add_argument('--out')
    p = sub.add_parser('_convolutions'); p.add_argument('--iters', type=int, default=3)
    p = sub.add_parser('_train'); p.add_argument('shape', choices=list(SHAPES))
    p.add_argument('--batch', type=int, default=16); p.add_argument('--iters', type=int, default=3)
    p = sub.add_parser('_shape'); p.add_argument('shape', choices=list(SHAPES))
    p.add_argument('--batch', type=int, default=1); p.add_argument('--iters', type=int, default=3)
    args = ap.parse_args()

    if args.cmd == 'make-pickle':
        make_pickle(args.out, args.src, args.threads)
    elif args.cmd == 'measure':
        _write(args, do_measure(args))
    elif args.cmd == 'shapes':
        _write(args, do_shapes(args))
    elif args.cmd == 'convolutions':
        _write(args, [_run_child(args, ['_convolutions', '--iters', str(args.iters)])])
    elif args.cmd == 'train-step':
        _write(args, [_run_child(args, ['_train', shape]) for shape in SHAPES])
    elif args.cmd == 'all':
        extra = {}
        if not os.path.exists(args.pickle):
            extra['make_pickle'] = _run_child(args, ['make-pickle', args.pickle])
        args.out, args.seed = args.png, 0
        rows = do_measure(args) + do_shapes(args)
        extra['pickle'] = dict(path=os.path.abspath(args.pickle), bytes=os.path.getsize(args.pickle))
        _write(args, rows, extra)
    elif args.cmd == '_env':
        child_env(args)
    elif args.cmd == '_load':
        child_load(args)
    elif args.cmd == '_convolutions':
        child_convolutions(args)
    elif args.cmd == '_train':
        child_train_step(args)
    elif args.cmd == '_shape':
        child_shape(args)


if __name__ == '__main__':
    main()
