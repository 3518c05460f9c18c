/* global window, document, fetch, getComputedStyle, requestAnimationFrame, ResizeObserver, MutationObserver */
// The map of the field, drawn with WebGL. Points come in tiles from /api/map/points: at low zoom a sample whose
// density follows the papers', from the full-detail zoom on every paper. Without WebGL or JavaScript the page still
// lists the regions and any lit-up papers.
(function () {
  'use strict';

  var view = document.querySelector('.map-view');
  if (!view) return;
  var canvas = view.querySelector('.map-canvas');
  var tooltip = view.querySelector('.map-tooltip');
  var labelLayer = view.querySelector('.map-labels');
  var data = JSON.parse(view.getAttribute('data-map') || '{}');
  var gl = canvas.getContext('webgl', { antialias: false, alpha: true, preserveDrawingBuffer: false });
  if (!gl) {
    view.classList.add('map-unavailable');
    return;
  }

  var MAX_CACHED_POINTS = 2000000;
  var HOVER_RADIUS = 8;
  var MAX_ZOOM = 15;

  // The view: the map point at the canvas centre and CSS pixels per map unit (zoom 0 fits the square).
  var state = { cx: 0.5, cy: 0.5, zoom: 0 };
  var size = { width: 1, height: 1, ratio: 1 };
  var tiles = new Map();
  var cachedPoints = 0;
  var titles = new Map();
  var hovered = null;
  var frameRequested = false;
  var colours = null;
  var drawnPoints = 0;

  function base() {
    return Math.min(size.width, size.height);
  }
  function scale() {
    return base() * Math.pow(2, state.zoom);
  }
  function toScreen(x, y) {
    return { x: size.width / 2 + (x - state.cx) * scale(), y: size.height / 2 + (y - state.cy) * scale() };
  }
  function toMap(px, py) {
    return { x: state.cx + (px - size.width / 2) / scale(), y: state.cy + (py - size.height / 2) / scale() };
  }

  // --- WebGL -------------------------------------------------------------------------------------------------
  function shader(type, source) {
    var s = gl.createShader(type);
    gl.shaderSource(s, source);
    gl.compileShader(s);
    return s;
  }
  var program = gl.createProgram();
  gl.attachShader(
    program,
    shader(
      gl.VERTEX_SHADER,
      'attribute vec2 a_pos; uniform vec2 u_centre; uniform vec2 u_scale; uniform float u_size;' +
        'void main() { gl_Position = vec4((a_pos - u_centre) * u_scale, 0.0, 1.0); gl_PointSize = u_size; }',
    ),
  );
  gl.attachShader(
    program,
    shader(
      gl.FRAGMENT_SHADER,
      'precision mediump float; uniform vec4 u_colour;' +
        'void main() { vec2 d = gl_PointCoord - vec2(0.5); if (dot(d, d) > 0.25) discard; gl_FragColor = u_colour; }',
    ),
  );
  gl.linkProgram(program);
  gl.useProgram(program);
  var loc = {
    pos: gl.getAttribLocation(program, 'a_pos'),
    centre: gl.getUniformLocation(program, 'u_centre'),
    scale: gl.getUniformLocation(program, 'u_scale'),
    size: gl.getUniformLocation(program, 'u_size'),
    colour: gl.getUniformLocation(program, 'u_colour'),
  };
  gl.enableVertexAttribArray(loc.pos);
  gl.enable(gl.BLEND);
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);

  var debugInfo = gl.getExtension('WEBGL_debug_renderer_info');
  canvas.setAttribute('data-renderer', debugInfo ? gl.getParameter(debugInfo.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));

  function buffer(xy) {
    var b = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.bufferData(gl.ARRAY_BUFFER, xy, gl.STATIC_DRAW);
    return b;
  }

  var highlight = data.highlight || [];
  var highlightXy = new Float32Array(highlight.length * 2);
  highlight.forEach(function (h, i) {
    highlightXy[2 * i] = h[1];
    highlightXy[2 * i + 1] = h[2];
  });
  var highlightBuffer = highlight.length > 0 ? buffer(highlightXy) : null;

  function parseColour(value) {
    var probe = document.createElement('span');
    probe.style.color = value;
    document.body.appendChild(probe);
    var rgb = getComputedStyle(probe).color.match(/[\d.]+/g) || ['0', '0', '0'];
    probe.remove();
    return [Number(rgb[0]) / 255, Number(rgb[1]) / 255, Number(rgb[2]) / 255];
  }
  function readColours() {
    var style = getComputedStyle(view);
    colours = {
      point: parseColour(style.getPropertyValue('--fg').trim() || '#000'),
      accent: parseColour(style.getPropertyValue('--accent').trim() || '#36c'),
    };
  }

  // --- Tiles ---------------------------------------------------------------------------------------------------
  function tileZoom() {
    return Math.max(0, Math.min(data.fullDetailZoom, Math.round(state.zoom) + 1));
  }
  function tileKey(z, tx, ty) {
    return z + '/' + tx + '/' + ty;
  }
  function visibleTiles(z) {
    var side = Math.pow(2, z);
    var a = toMap(0, 0);
    var b = toMap(size.width, size.height);
    var list = [];
    var tx0 = Math.max(0, Math.floor(a.x * side));
    var tx1 = Math.min(side - 1, Math.floor(b.x * side));
    var ty0 = Math.max(0, Math.floor(a.y * side));
    var ty1 = Math.min(side - 1, Math.floor(b.y * side));
    for (var tx = tx0; tx <= tx1; tx++) for (var ty = ty0; ty <= ty1; ty++) list.push({ z: z, tx: tx, ty: ty });
    return list;
  }
  function evict() {
    if (cachedPoints <= MAX_CACHED_POINTS) return;
    var entries = Array.from(tiles.values()).filter(function (t) {
      return t.ready;
    });
    entries.sort(function (p, q) {
      return p.used - q.used;
    });
    for (var i = 0; i < entries.length && cachedPoints > MAX_CACHED_POINTS / 2; i++) {
      gl.deleteBuffer(entries[i].buffer);
      cachedPoints -= entries[i].count;
      tiles.delete(entries[i].key);
    }
  }
  function loadTile(t) {
    var key = tileKey(t.z, t.tx, t.ty);
    if (tiles.has(key)) return tiles.get(key);
    var side = Math.pow(2, t.z);
    var entry = { key: key, ready: false, used: Date.now() };
    tiles.set(key, entry);
    var bbox = [t.tx / side, t.ty / side, (t.tx + 1) / side, (t.ty + 1) / side].join(',');
    fetch('/api/map/points?bbox=' + bbox + '&zoom=' + t.z)
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        entry.ids = body.ids;
        entry.xy = new Float32Array(body.xy);
        entry.count = body.ids.length;
        entry.buffer = buffer(entry.xy);
        entry.ready = true;
        cachedPoints += entry.count;
        evict();
        requestFrame();
      })
      .catch(function () {
        tiles.delete(key);
      });
    return entry;
  }
  /** The loaded tiles to draw: each visible tile, or while it loads its nearest loaded ancestor. */
  function drawableTiles() {
    var z = tileZoom();
    var chosen = new Map();
    visibleTiles(z).forEach(function (t) {
      var entry = loadTile(t);
      var tz = t.z;
      var tx = t.tx;
      var ty = t.ty;
      while (!entry.ready && tz > 0) {
        tz--;
        tx = Math.floor(tx / 2);
        ty = Math.floor(ty / 2);
        entry = tiles.get(tileKey(tz, tx, ty)) || { ready: false };
      }
      if (entry.ready) {
        entry.used = Date.now();
        chosen.set(entry.key, entry);
      }
    });
    return Array.from(chosen.values());
  }

  // --- Drawing -------------------------------------------------------------------------------------------------
  function requestFrame() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(draw);
  }
  function drawBuffer(b, count, pointSize, colour, alpha) {
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.vertexAttribPointer(loc.pos, 2, gl.FLOAT, false, 0, 0);
    gl.uniform1f(loc.size, pointSize * size.ratio);
    gl.uniform4f(loc.colour, colour[0], colour[1], colour[2], alpha);
    gl.drawArrays(gl.POINTS, 0, count);
  }
  function draw() {
    frameRequested = false;
    if (!colours) readColours();
    gl.viewport(0, 0, canvas.width, canvas.height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    var s = scale();
    gl.uniform2f(loc.centre, state.cx, state.cy);
    gl.uniform2f(loc.scale, (2 * s) / size.width, (-2 * s) / size.height);
    var pointSize = Math.min(6, 2 + Math.max(0, state.zoom - data.fullDetailZoom) * 0.75);
    drawnPoints = 0;
    var dim = highlight.length > 0 ? 0.25 : 0.55;
    drawableTiles().forEach(function (t) {
      drawBuffer(t.buffer, t.count, pointSize, colours.point, dim);
      drawnPoints += t.count;
    });
    if (highlightBuffer) drawBuffer(highlightBuffer, highlight.length, pointSize + 3, colours.accent, 0.95);
    if (hovered) {
      var single = buffer(new Float32Array([hovered.x, hovered.y]));
      drawBuffer(single, 1, pointSize + 7, colours.accent, 1);
      gl.deleteBuffer(single);
    }
    canvas.setAttribute('data-points-drawn', String(drawnPoints));
    canvas.setAttribute('data-zoom', state.zoom.toFixed(2));
    placeLabels();
  }

  // --- Labels --------------------------------------------------------------------------------------------------
  var labelLevels = 0;
  var labelSpans = (data.labels || []).map(function (l) {
    var span = document.createElement('span');
    span.className = 'map-label map-label-' + l.level;
    span.textContent = l.words;
    span.hidden = true;
    labelLayer.appendChild(span);
    labelLevels = Math.max(labelLevels, l.level);
    return { label: l, span: span };
  });
  function placeLabels() {
    var level = Math.max(0, Math.min(labelLevels, Math.floor(state.zoom)));
    labelSpans.forEach(function (entry) {
      var p = toScreen(entry.label.x, entry.label.y);
      var show = entry.label.level === level && p.x > 0 && p.y > 0 && p.x < size.width && p.y < size.height;
      entry.span.hidden = !show;
      if (show) entry.span.style.transform = 'translate(' + Math.round(p.x) + 'px,' + Math.round(p.y) + 'px) translate(-50%, -50%)';
    });
  }

  // --- Hover, click --------------------------------------------------------------------------------------------
  function nearestPoint(px, py) {
    var best = null;
    var bestD = HOVER_RADIUS * HOVER_RADIUS;
    var s = scale();
    var m = toMap(px, py);
    var consider = function (id, x, y) {
      var dx = (x - m.x) * s;
      var dy = (y - m.y) * s;
      var d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = { id: id, x: x, y: y };
      }
    };
    highlight.forEach(function (h) {
      consider(h[0], h[1], h[2]);
    });
    if (best) return best;
    drawableTiles().forEach(function (t) {
      for (var i = 0; i < t.count; i++) consider(t.ids[i], t.xy[2 * i], t.xy[2 * i + 1]);
    });
    return best;
  }
  function showTitle(point) {
    var known = titles.get(point.id);
    tooltip.textContent = known || point.id;
    tooltip.hidden = false;
    var p = toScreen(point.x, point.y);
    tooltip.style.transform = 'translate(' + Math.round(Math.min(p.x + 12, size.width - 260)) + 'px,' + Math.round(p.y + 12) + 'px)';
    if (known !== undefined) return;
    titles.set(point.id, '');
    fetch('/api/papers/' + point.id)
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (paper) {
        if (!paper) return;
        titles.set(point.id, paper.title);
        if (hovered && hovered.id === point.id) tooltip.textContent = paper.title;
      });
  }
  highlight.forEach(function (h) {
    if (h[3]) titles.set(h[0], h[3]);
  });
  function hover(point) {
    if ((hovered && point && hovered.id === point.id) || (!hovered && !point)) return;
    hovered = point;
    canvas.style.cursor = point ? 'pointer' : 'grab';
    if (point) showTitle(point);
    else tooltip.hidden = true;
    requestFrame();
  }
  function openPaper(point) {
    window.location.href = '/papers/' + point.id;
  }

  // --- Moving --------------------------------------------------------------------------------------------------
  function zoomAt(factor, px, py) {
    var before = toMap(px, py);
    state.zoom = Math.max(-1, Math.min(MAX_ZOOM, state.zoom + Math.log2(factor)));
    var after = toMap(px, py);
    state.cx += before.x - after.x;
    state.cy += before.y - after.y;
    requestFrame();
  }
  function panBy(dx, dy) {
    state.cx -= dx / scale();
    state.cy -= dy / scale();
    requestFrame();
  }
  function reset() {
    state.cx = 0.5;
    state.cy = 0.5;
    state.zoom = 0;
    requestFrame();
  }
  function local(event) {
    var rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener(
    'wheel',
    function (event) {
      event.preventDefault();
      var p = local(event);
      zoomAt(Math.exp(-event.deltaY * 0.002), p.x, p.y);
    },
    { passive: false },
  );
  var drag = null;
  canvas.addEventListener('pointerdown', function (event) {
    var p = local(event);
    drag = { x: p.x, y: p.y, moved: 0 };
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      /* a pointer the browser does not track (scripted events) */
    }
  });
  canvas.addEventListener('pointermove', function (event) {
    var p = local(event);
    if (drag) {
      drag.moved += Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y);
      panBy(p.x - drag.x, p.y - drag.y);
      drag.x = p.x;
      drag.y = p.y;
      return;
    }
    hover(nearestPoint(p.x, p.y));
  });
  canvas.addEventListener('pointerup', function (event) {
    var wasClick = drag && drag.moved < 4;
    drag = null;
    if (!wasClick) return;
    var p = local(event);
    var point = nearestPoint(p.x, p.y);
    if (point) openPaper(point);
  });
  canvas.addEventListener('pointerleave', function () {
    if (!drag) hover(null);
  });
  canvas.addEventListener('keydown', function (event) {
    var step = Math.min(size.width, size.height) * 0.15;
    var handled = true;
    if (event.key === 'ArrowLeft') panBy(step, 0);
    else if (event.key === 'ArrowRight') panBy(-step, 0);
    else if (event.key === 'ArrowUp') panBy(0, step);
    else if (event.key === 'ArrowDown') panBy(0, -step);
    else if (event.key === '+' || event.key === '=') zoomAt(2, size.width / 2, size.height / 2);
    else if (event.key === '-' || event.key === '_') zoomAt(0.5, size.width / 2, size.height / 2);
    else if (event.key === '0') reset();
    else if (event.key === 'Enter' && hovered) openPaper(hovered);
    else handled = false;
    if (handled) event.preventDefault();
  });
  view.querySelectorAll('[data-map-zoom]').forEach(function (button) {
    button.addEventListener('click', function () {
      var action = button.getAttribute('data-map-zoom');
      if (action === 'in') zoomAt(2, size.width / 2, size.height / 2);
      else if (action === 'out') zoomAt(0.5, size.width / 2, size.height / 2);
      else reset();
    });
  });

  function resize() {
    var rect = canvas.getBoundingClientRect();
    size.ratio = window.devicePixelRatio || 1;
    size.width = Math.max(1, rect.width);
    size.height = Math.max(1, rect.height);
    canvas.width = Math.round(size.width * size.ratio);
    canvas.height = Math.round(size.height * size.ratio);
    requestFrame();
  }
  new ResizeObserver(resize).observe(canvas);
  // The theme toggle and the system setting change the colours.
  new MutationObserver(function () {
    colours = null;
    requestFrame();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  if (window.matchMedia) {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', function () {
      colours = null;
      requestFrame();
    });
  }
  resize();
})();
