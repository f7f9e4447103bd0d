# python3
"""genforce StyleGAN (NVIDIA's 2019 recipe) at our `sg1-f` tiny size on the bundled MNIST.

Read by genforce's own `utils.misc.parse_config` (every top-level name becomes a config key, so this file imports
nothing). The data path can be overridden with `--options data.train.root_dir=...`; run.py fills in the controller
that saves the 10-kimg snapshots (`KimgSaver`, defined in run.py, not part of genforce).
"""

runner_type = 'StyleGANRunner'
gan_type = 'stylegan'
resolution = 32
batch_size = 32          # base minibatch; ProgressScheduler's batch_size_schedule overrides it per resolution
val_batch_size = 100
total_img = 40_000       # 40 kimg, as our ladder's sg1-f runs

data = dict(
    num_workers=0,       # one process on a 2-core machine; also keeps run.py's 1-channel patch in effect
    repeat=10,           # 10 x 10,000 digits per sampler epoch (> 40 kimg)
    train=dict(root_dir='/work/main/src/StyleGan.Cli/bin/Release/net10.0/data/mnist32.zip',
               data_format='zip', resolution=resolution, mirror=0.0),
)

controllers = dict(
    RunningLogger=dict(every_n_iters=50, tensorboard_format=False),
    ProgressScheduler=dict(
        every_n_iters=1, init_res=8, minibatch_repeats=4,
        lod_training_img=4_000, lod_transition_img=4_000,
        batch_size_schedule=dict(res8=64, res16=64, res32=32),
    ),
    Checkpointer=dict(every_n_iters=10**9, first_iter=False),   # genforce's full checkpoint, at the last iteration only
    KimgSaver=dict(every_n_iters=1, first_iter=False, save_every_img=10_000,
                   num_samples=1000, grid_num=64, sample_seed=0, priority=85),
)

modules = dict(
    discriminator=dict(
        model=dict(gan_type=gan_type, resolution=resolution, image_channels=1,
                   fused_scale='auto', use_wscale=True,
                   minibatch_std_group_size=4, minibatch_std_channels=1,
                   fmaps_base=1024, fmaps_max=64),
        lr=dict(lr_type='FIXED'),
        opt=dict(opt_type='Adam', base_lr=1e-3, betas=(0.0, 0.99)),
        kwargs_train=dict(),
        kwargs_val=dict(),
    ),
    generator=dict(
        model=dict(gan_type=gan_type, resolution=resolution, image_channels=1,
                   z_space_dim=128, w_space_dim=128,
                   mapping_layers=8, mapping_fmaps=128, mapping_lr_mul=0.01,
                   const_input=True, noise_type='spatial', fused_scale='auto', use_wscale=True,
                   final_tanh=False, fmaps_base=1024, fmaps_max=64),
        lr=dict(lr_type='FIXED'),
        opt=dict(opt_type='Adam', base_lr=1e-3, betas=(0.0, 0.99)),
        kwargs_train=dict(w_moving_decay=0.995, style_mixing_prob=0.9,
                          trunc_psi=1.0, trunc_layers=0, randomize_noise=True),
        kwargs_val=dict(trunc_psi=1.0, trunc_layers=0, randomize_noise=False),
        g_smooth_img=1000,
    )
)

loss = dict(
    type='LogisticGANLoss',
    d_loss_kwargs=dict(r1_gamma=10.0),
    g_loss_kwargs=dict(),
)
