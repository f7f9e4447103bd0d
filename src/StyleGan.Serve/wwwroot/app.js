'use strict';
// The explorer page: one state object, rendered by the server; at most one render request in flight, and the newest
// state is sent when it returns, so dragging or animating never queues renders.
const $ = id => document.getElementById(id);
const client = 'c' + Math.random().toString(36).slice(2, 10);
const state = {
  x: 0, y: 0, cls: 0, psi: 1, cutoff: null, mixSeed: 1, styles: new Set(),
  noise: 'const', noiseSeed: 0, noiseStrength: 1, dirs: [],
  layer: 'output', rgb: true, channel: 0, normalize: false, projection: null,
  tx: 0, ty: 0, rotate: 0, untransform: false,
};
let network = null;
let inFlight = false, dirty = false, shownUrl = null, renders = 0;

// Rounds half to even, as the server (and the visualizer's Python round) picks a point's seed.
function roundEven(v) { const r = Math.round(v); return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }

function say(text) { $('message').textContent = text || ''; }

async function json(response) {
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

// The render request's query for a state (the same text the server's /api/command reads).
function query(s = state) {
  const p = new URLSearchParams();
  p.set('x', String(s.x));
  p.set('y', String(s.y));
  if (network.cDim > 0) p.set('class', String(s.cls));
  if (s.psi !== 1) p.set('psi', String(s.psi));
  if (s.cutoff !== null) p.set('cutoff', String(s.cutoff));
  if (s.styles.size > 0) {
    p.set('mix', String(s.mixSeed));
    p.set('styles', [...s.styles].sort((a, b) => a - b).join(','));
  }
  if (s.noise !== 'const') p.set('noise', s.noise);
  if (s.noise === 'random' && s.noiseSeed !== 0) p.set('noiseSeed', String(s.noiseSeed));
  if (s.noiseStrength !== 1) p.set('noiseStrength', String(s.noiseStrength));
  if (s.dirs.some(v => v !== 0)) p.set('dirs', s.dirs.join(','));
  if (s.layer !== 'output') p.set('layer', s.layer);
  if (!s.rgb) p.set('channel', String(s.channel));
  if (s.normalize) p.set('normalize', 'true');
  if (s.projection) p.set('projection', s.projection);
  if (s.tx !== 0) p.set('tx', String(s.tx));
  if (s.ty !== 0) p.set('ty', String(s.ty));
  if (s.rotate !== 0) p.set('rotate', String(s.rotate));
  if (s.untransform) p.set('untransform', 'true');
  return p.toString();
}

function render() {
  if (!network) return;
  dirty = true;
  if (!inFlight) send();
}

async function send() {
  dirty = false;
  inFlight = true;
  const q = query();
  try {
    const response = await fetch(`/api/render?${q}&client=${client}`);
    if (response.status === 409) return; // replaced by a newer request of this page
    if (!response.ok) { say((await json(response).catch(e => e)).message); return; }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const view = $('view');
    view.src = url;
    view.dataset.query = q;
    history.replaceState(null, '', `#${q}${$('monitor').hidden ? '' : '&view=monitor'}`);
    if (shownUrl) URL.revokeObjectURL(shownUrl);
    shownUrl = url;
    renders++;
    const seed = response.headers.get('X-Seed');
    $('render-info').textContent = `seed ${seed}  x ${state.x.toFixed(2)} y ${state.y.toFixed(2)}  ${response.headers.get('X-Render-Ms')} ms`;
    if (document.activeElement !== $('seed')) $('seed').value = seed;
    for (const [id, v] of [['frac-x', state.x], ['frac-y', state.y]]) if (document.activeElement !== $(id)) $(id).value = (v - roundEven(v)).toFixed(2);
    $('download').href = url;
    $('download').download = `seed${seed}.png`;
    showStats(JSON.parse(response.headers.get('X-Stats')));
    say('');
  } catch (e) {
    say(String(e.message || e));
  } finally {
    inFlight = false;
    if (dirty) send();
  }
}

function showStats(s) {
  const f = v => (v === null || v === undefined) ? '' : Number(v).toFixed(3);
  $('stats').innerHTML = `<tr><th></th><th>all</th><th>shown</th></tr>` +
    `<tr><td>mean</td><td>${f(s.Mean)}</td><td>${f(s.ShownMean)}</td></tr>` +
    `<tr><td>std</td><td>${f(s.Std)}</td><td>${f(s.ShownStd)}</td></tr>` +
    `<tr><td>max</td><td>${f(s.Max)}</td><td>${f(s.ShownMax)}</td></tr>`;
}

function showNetwork(info) {
  network = info;
  const rows = [['file', info.path], ['format', info.format], ['resolution', `${info.resolution}x${info.resolution}x${info.channels}`],
    ['num_ws', info.numWs], ['z_dim / w_dim', `${info.zDim} / ${info.wDim}`], ['c_dim', info.cDim], ['parameters', info.parameters.toLocaleString('en')]];
  $('network-info').innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(String(v))}</td></tr>`).join('');
  $('network-path').value = info.path;
  $('class-row').hidden = info.cDim === 0;
  $('class').max = Math.max(0, info.cDim - 1);
  $('cutoff').max = info.numWs;
  state.styles.clear();
  $('mix-layers').innerHTML = '';
  for (let i = 0; i < info.numWs; i++) {
    const label = document.createElement('label');
    label.innerHTML = `<input type="checkbox" data-layer="${i}"> ${i}`;
    $('mix-layers').appendChild(label);
  }
  $('layer').innerHTML = '<option value="output">output</option>' +
    info.layers.map(l => `<option value="${l.name}">${l.name} (${l.channels}x${l.resolution}x${l.resolution})</option>`).join('');
  state.layer = 'output';
  state.dirs = new Array(info.directions).fill(0);
  $('directions').innerHTML = state.dirs.map((_, i) =>
    `<div class="row"><label for="dir-${i}">${i}</label><input id="dir-${i}" data-direction="${i}" type="range" min="-10" max="10" step="0.1" value="0"><output id="dir-${i}-value">0.0</output></div>`).join('');
  state.projection = null;
  $('use-projection').checked = false;
  $('noise').disabled = !info.hasNoise;
  // StyleGAN3's Fourier input moves; other networks have nothing to translate or rotate.
  $('equivariance').hidden = !info.hasInputTransform;
  Object.assign(state, { tx: 0, ty: 0, rotate: 0, untransform: false });
}

// A state written into the address (#x=..&psi=..), as every render leaves it: a page opened with it shows that image.
function restore(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const num = (key, fallback) => p.has(key) && Number.isFinite(Number(p.get(key))) ? Number(p.get(key)) : fallback;
  state.x = num('x', 0);
  state.y = num('y', 0);
  state.cls = num('class', 0);
  state.psi = num('psi', 1);
  state.cutoff = p.has('cutoff') ? num('cutoff', null) : null;
  state.mixSeed = num('mix', state.mixSeed);
  state.styles = new Set((p.get('styles') || '').split(',').filter(t => t !== '').map(Number));
  state.noise = p.get('noise') || 'const';
  state.noiseSeed = num('noiseSeed', 0);
  state.noiseStrength = num('noiseStrength', 1);
  (p.get('dirs') || '').split(',').filter(t => t !== '').forEach((t, i) => { if (i < state.dirs.length) state.dirs[i] = Number(t); });
  state.layer = p.get('layer') || 'output';
  state.rgb = !p.has('channel');
  state.channel = num('channel', 0);
  state.normalize = p.get('normalize') === 'true';
  state.tx = num('tx', 0);
  state.ty = num('ty', 0);
  state.rotate = num('rotate', 0);
  state.untransform = p.get('untransform') === 'true';
  // Controls show the state.
  $('seed').value = roundEven(state.x) + roundEven(state.y) * 100;
  $('frac-x').value = (state.x - roundEven(state.x)).toFixed(2);
  $('frac-y').value = (state.y - roundEven(state.y)).toFixed(2);
  $('class').value = state.cls;
  $('psi').value = state.psi;
  $('psi-value').textContent = state.psi.toFixed(2);
  $('cutoff').value = state.cutoff ?? '';
  $('mix-seed').value = state.mixSeed;
  for (const box of $('mix-layers').querySelectorAll('input')) box.checked = state.styles.has(Number(box.dataset.layer));
  $('noise').value = state.noise;
  $('noise-seed').value = state.noiseSeed;
  $('noise-strength').value = state.noiseStrength;
  $('noise-strength-value').textContent = state.noiseStrength.toFixed(2);
  state.dirs.forEach((v, i) => { $(`dir-${i}`).value = v; $(`dir-${i}-value`).textContent = v.toFixed(1); });
  $('layer').value = state.layer;
  $('rgb').checked = state.rgb;
  $('channel').disabled = state.rgb;
  $('channel').value = state.channel;
  $('normalize').checked = state.normalize;
  showEquivariance();
  return p.get('view');
}

function showEquivariance() {
  $('tx').value = state.tx;
  $('ty').value = state.ty;
  $('rotate').value = state.rotate;
  $('untransform').checked = state.untransform;
  $('tx-value').textContent = state.tx.toFixed(3);
  $('ty-value').textContent = state.ty.toFixed(3);
  $('rotate-value').textContent = `${state.rotate}°`;
}

function escapeHtml(text) { return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

function number(id, fallback) { const v = Number($(id).value); return Number.isFinite(v) ? v : fallback; }

function bind() {
  $('open').onclick = async () => {
    try {
      showNetwork(await json(await fetch(`/api/open?path=${encodeURIComponent($('network-path').value)}`, { method: 'POST' })));
      render();
    }
    catch (e) { say(e.message); }
  };
  $('seed').onchange = () => { state.x = Math.max(0, Math.round(number('seed', 0))); state.y = 0; render(); };
  for (const id of ['frac-x', 'frac-y']) $(id).onchange = () => {
    const axis = id === 'frac-x' ? 'x' : 'y';
    state[axis] += number(id, 0) - (state[axis] - roundEven(state[axis]));
    render();
  };
  $('class').onchange = () => { state.cls = Math.round(number('class', 0)); render(); };
  $('psi').oninput = () => { state.psi = number('psi', 1); $('psi-value').textContent = state.psi.toFixed(2); render(); };
  $('cutoff').onchange = () => { state.cutoff = $('cutoff').value === '' ? null : Math.round(number('cutoff', 0)); render(); };
  $('mix-seed').onchange = () => { state.mixSeed = Math.max(0, Math.round(number('mix-seed', 0))); render(); };
  $('mix-layers').onchange = e => {
    const i = Number(e.target.dataset.layer);
    if (e.target.checked) state.styles.add(i); else state.styles.delete(i);
    render();
  };
  for (const button of document.querySelectorAll('[data-styles]')) button.onclick = () => {
    const [from, to] = { coarse: [0, 3], middle: [4, 7], fine: [8, 1e9], none: [1, 0] }[button.dataset.styles];
    state.styles.clear();
    for (const box of $('mix-layers').querySelectorAll('input')) {
      const i = Number(box.dataset.layer);
      box.checked = i >= from && i <= to;
      if (box.checked) state.styles.add(i);
    }
    render();
  };
  $('noise').onchange = () => { state.noise = $('noise').value; render(); };
  $('noise-seed').onchange = () => { state.noiseSeed = Math.max(0, Math.round(number('noise-seed', 0))); render(); };
  $('noise-strength').oninput = () => { state.noiseStrength = number('noise-strength', 1); $('noise-strength-value').textContent = state.noiseStrength.toFixed(2); render(); };
  $('layer').onchange = () => { state.layer = $('layer').value; render(); };
  $('rgb').onchange = () => { state.rgb = $('rgb').checked; $('channel').disabled = state.rgb; render(); };
  $('channel').onchange = () => { state.channel = Math.max(0, Math.round(number('channel', 0))); render(); };
  $('normalize').onchange = () => { state.normalize = $('normalize').checked; render(); };
  for (const id of ['tx', 'ty', 'rotate']) $(id).oninput = () => { state[id] = number(id, 0); showEquivariance(); render(); };
  $('untransform').onchange = () => { state.untransform = $('untransform').checked; render(); };
  $('equivariance-reset').onclick = () => { Object.assign(state, { tx: 0, ty: 0, rotate: 0, untransform: false }); showEquivariance(); render(); };
  $('directions').oninput = e => {
    const i = Number(e.target.dataset.direction);
    state.dirs[i] = Number(e.target.value);
    $(`dir-${i}-value`).textContent = state.dirs[i].toFixed(1);
    render();
  };
  $('directions-reset').onclick = () => {
    state.dirs.fill(0);
    for (const slider of $('directions').querySelectorAll('input')) slider.value = 0;
    for (const out of $('directions').querySelectorAll('output')) out.textContent = '0.0';
    render();
  };
  $('copy-command').onclick = async () => {
    try {
      const { command } = await json(await fetch(`/api/command?${query()}`));
      $('command').value = command;
      await navigator.clipboard.writeText(command).catch(() => { $('command').select(); document.execCommand('copy'); });
    } catch (e) { say(e.message); }
  };
  $('project-start').onclick = startProjection;
  $('use-projection').onchange = () => { state.projection = $('use-projection').checked ? $('use-projection').dataset.id : null; render(); };
  bindDrag();
  $('anim').onchange = () => { if ($('anim').checked) animate(); };
  for (const tab of document.querySelectorAll('.tab')) tab.onclick = () => showView(tab.dataset.view);
}

// Dragging moves the point in the seed plane; 100 screen pixels are one seed.
function bindDrag() {
  const view = $('view');
  let last = null;
  view.onpointerdown = e => { last = [e.clientX, e.clientY]; view.setPointerCapture(e.pointerId); view.classList.add('dragging'); };
  view.onpointermove = e => {
    if (!last) return;
    state.x += (e.clientX - last[0]) / 100;
    state.y += (e.clientY - last[1]) / 100;
    last = [e.clientX, e.clientY];
    render();
  };
  view.onpointerup = view.onpointercancel = () => { last = null; view.classList.remove('dragging'); };
}

function animate() {
  let before = performance.now();
  const step = now => {
    if (!$('anim').checked) return;
    state.x += (now - before) / 1000 * number('speed', 0.25);
    before = now;
    render();
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

async function startProjection() {
  const file = $('project-file').files[0];
  if (!file) { say('Choose an image to project first.'); return; }
  const params = new URLSearchParams({ steps: String(Math.round(number('project-steps', 300))) });
  if (network.cDim > 0) params.set('class', String(state.cls));
  try {
    const started = await json(await fetch(`/api/project?${params}`, { method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } }));
    pollProjection(started.id);
  } catch (e) { say(e.message); }
}

async function pollProjection(id) {
  try {
    const p = await json(await fetch(`/api/project/${id}`));
    $('project-progress').max = p.steps;
    $('project-progress').value = p.step;
    $('project-status').textContent = p.error ? p.error : `${p.step}/${p.steps} dist ${p.distance === null ? '-' : p.distance.toFixed(4)}`;
    $('project-preview').hidden = false;
    $('project-preview').src = `/api/project/${id}/preview.png?step=${p.step}`;
    if (p.done) {
      $('use-projection').disabled = false;
      $('use-projection').dataset.id = id;
      $('project-ws').hidden = false;
      $('project-ws').href = `/api/project/${id}/ws.npz`;
      return;
    }
    if (!p.error) setTimeout(() => pollProjection(id), 500);
  } catch (e) { say(e.message); }
}

function showView(name) {
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.view === name);
  $('explore').hidden = name !== 'explore';
  $('monitor').hidden = name !== 'monitor';
  if (network) history.replaceState(null, '', `#${query()}${name === 'monitor' ? '&view=monitor' : ''}`);
}

// --- training monitor ---------------------------------------------------------------------------------------------

const colors = ['#2a6fdb', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d'];

function drawChart(canvas, lines) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 64, right = 24, top = 10, bottom = 36;
  g.clearRect(0, 0, w, h);
  const points = lines.flatMap(l => l.xs.map((x, i) => [x, l.ys[i]])).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  g.fillStyle = '#6b7075';
  g.font = '11px system-ui';
  if (points.length === 0) { g.fillText('nothing logged yet', left, h / 2); return; }
  let [x0, x1] = [Math.min(...points.map(p => p[0])), Math.max(...points.map(p => p[0]))];
  let [y0, y1] = [Math.min(...points.map(p => p[1])), Math.max(...points.map(p => p[1]))];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const X = x => left + (x - x0) / (x1 - x0) * (w - left - right);
  const Y = y => top + (1 - (y - y0) / (y1 - y0)) * (h - top - bottom);
  g.strokeStyle = '#d8dadc';
  g.strokeRect(left, top, w - left - right, h - top - bottom);
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4, x = x0 + (x1 - x0) * i / 4;
    g.fillText(y.toPrecision(3), 2, Y(y) + 4);
    g.textAlign = 'center';
    g.fillText(x.toPrecision(3), X(x), h - bottom + 14);
    g.textAlign = 'left';
  }
  g.fillText('kimg', w / 2, h - bottom + 28);
  lines.forEach((line, n) => {
    g.strokeStyle = colors[n % colors.length];
    g.beginPath();
    let pen = false;
    line.xs.forEach((x, i) => {
      const y = line.ys[i];
      if (!Number.isFinite(y)) { pen = false; return; }
      if (pen) g.lineTo(X(x), Y(y)); else g.moveTo(X(x), Y(y));
      pen = true;
    });
    g.stroke();
    g.fillStyle = colors[n % colors.length];
    g.textAlign = 'right';
    g.fillText(line.name, w - right - 6, top + 14 + n * 13);
    g.textAlign = 'left';
  });
}

async function refreshRun() {
  try {
    const run = await json(await fetch('/api/run'));
    const losses = Object.keys(run.series).filter(k => k.startsWith('loss/'));
    drawChart($('chart-losses'), losses.map(k => ({ name: k, xs: run.kimg, ys: run.series[k].map(v => v ?? NaN) })));
    const speed = run.series['timing/sec_per_kimg'] || [];
    drawChart($('chart-speed'), [{ name: 'sec/kimg', xs: run.kimg, ys: speed.map(v => v ?? NaN) }]);
    drawChart($('chart-metrics'), Object.entries(run.metrics).map(([k, pts]) => ({ name: k, xs: pts.map(p => p[0]), ys: pts.map(p => p[1]) })));
    if (run.fakes && $('fakes-name').textContent !== run.fakes) {
      $('fakes').src = `/api/run/fakes.png?name=${encodeURIComponent(run.fakes)}`;
      $('fakes-name').textContent = run.fakes;
    }
  } catch (e) { say(e.message); }
  setTimeout(refreshRun, 5000);
}

async function start() {
  bind();
  const s = await json(await fetch('/api/state'));
  try {
    const lists = await json(await fetch('/api/networks'));
    $('network-files').innerHTML = lists.files.map(f => `<option value="${escapeHtml(f)}">`).join('');
  } catch (e) { say(e.message); }
  if (s.run) {
    $('run-folder').textContent = `Run: ${s.run}`;
    refreshRun();
  } else {
    $('tab-monitor').hidden = true;
  }
  let view = null;
  if (s.network) {
    showNetwork(s.network);
    view = restore(location.hash);
    render();
  }
  if (s.run && (view === 'monitor' || !s.network)) showView('monitor');
}

window.explorer = { state, query, render, idle: () => !inFlight && !dirty, renders: () => renders };
start().catch(e => say(e.message));
