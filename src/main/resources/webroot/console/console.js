/*
 * Tổng đài 1022 — agents' console. Plain JavaScript, no build step, no external resources.
 * Contract: docs/agent-api.md and docs/events.md. Every piece of citizen or agent text is put into
 * the page with textContent (never innerHTML), so hostile strings render as text.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- vocabulary
  var TOPICS = {
    medical: 'Khám chữa bệnh', suspected_infection: 'Nghi nhiễm bệnh', epidemiology_quarantine: 'Dịch tễ, cách ly',
    travelers: 'Người đi lại, nhập cảnh', social_welfare: 'An sinh xã hội', humanitarian: 'Cứu trợ nhân đạo',
    security_order: 'An ninh trật tự', transport_trade: 'Giao thông, thương mại', regulations: 'Quy định, chính sách',
    other: 'Khác'
  };
  var STATUSES = { 'new': 'Mới', assigned: 'Đang xử lý', transferred: 'Đã chuyển', callback: 'Chờ gọi lại',
    answered: 'Đã trả lời', closed: 'Đã đóng' };
  var OPEN_STATUSES = ['new', 'assigned', 'transferred', 'callback', 'answered'];
  var PRIORITIES = { urgent: 'Khẩn', normal: 'Thường' };
  var CHANNELS = { phone: 'Điện thoại', web: 'Cổng web', email: 'Thư điện tử', zalo: 'Zalo', facebook: 'Facebook' };
  var DEPARTMENTS = { SYT: 'Sở Y tế', SLDTBXH: 'Sở Lao động - Thương binh và Xã hội', CA: 'Công an tỉnh',
    SGTVT: 'Sở Giao thông vận tải', SCT: 'Sở Công Thương', MTTQ: 'Ủy ban MTTQ Việt Nam tỉnh', VPUBND: 'Văn phòng UBND tỉnh',
    STTTT: 'Sở Thông tin và Truyền thông' };
  var ROLES = { operator: 'Điện thoại viên', officer: 'Cán bộ chuyên môn', supervisor: 'Giám sát viên', admin: 'Quản trị' };
  var OPS = { claim: 'Nhận xử lý', reply: 'Gửi trả lời', note: 'Lưu ghi chú', transfer: 'Chuyển cơ quan', update: 'Sửa phân loại',
    close: 'Đóng phản ánh', callback: 'Ghi kết quả gọi lại', reopen: 'Mở lại (công dân viết thêm)', subscribe: 'Đăng ký nhận sự kiện', ping: 'Kiểm tra' };
  var CALL_STATES = { offered: 'Cuộc gọi đến', ringing: 'Đang đổ chuông', answered: 'Đang nghe máy', ended: 'Đã kết thúc' };
  var CAUSES = { normalClearing: 'kết thúc bình thường', cancel: 'người gọi gác máy khi đang chờ', busy: 'tổng đài bận',
    noAnswer: 'không có người nghe máy', rejected: 'bị từ chối', notFound: 'không tìm thấy số', congestion: 'tổng đài quá tải',
    forwarded: 'chuyển tiếp', unknown: 'không rõ' };
  var CALLBACK_OUTCOMES = { reached: 'Đã liên lạc được', no_answer: 'Không nghe máy', busy: 'Máy bận', wrong_number: 'Sai số' };
  var LIVE_CALL_MAX_MS = 3 * 3600 * 1000; // a call whose end we never saw leaves the panel after this
  var ERRORS = {
    bad_request: 'Yêu cầu không hợp lệ',
    unauthorized: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
    no_access: 'Tài khoản này không có quyền dùng bàn điều hành. Vui lòng đăng nhập bằng tài khoản khác.',
    forbidden: 'Bạn không có quyền thực hiện thao tác này',
    not_found: 'Không tìm thấy phản ánh (hoặc không thuộc phạm vi của bạn)',
    conflict: 'Không thực hiện được: phản ánh đã đóng hoặc vừa thay đổi',
    unavailable: 'Hệ thống tạm thời không phục vụ được, vui lòng thử lại',
    unknown_op: 'Thao tác không được hỗ trợ',
    timeout: 'Không nhận được phản hồi từ hệ thống, vui lòng kiểm tra lại',
    network: 'Mất kết nối tới hệ thống, vui lòng thử lại',
    lost: 'Mất kết nối trước khi có kết quả — hãy xem lại phản ánh trước khi thử lại'
  };
  var DELIVERY = { pending: 'Đang gửi', sent: 'Đã gửi', failed: 'Gửi lỗi' };
  var TOKEN_KEY = 'hotline1022.console.token';
  var BANNER_LOST = 'Mất kết nối — đang kết nối lại...';
  var BANNER_RESTART = 'Máy chủ đang khởi động lại — sẽ tự kết nối lại sau giây lát...';
  var PAGE = 200, MAX_LOAD = 5000, SHOW_STEP = 300, COMMAND_TIMEOUT_MS = 15000;

  // ---------------------------------------------------------------- state
  var S = {
    token: null, agent: null,
    ws: null, gen: 0, open: false, lastSeq: null, attempts: 0, retryTimer: null, hold: false, dropped: false,
    restarting: false,    // the server said it is restarting (shutdown frame or close 1012)
    subscribeId: null,    // id of the pending subscribe: its error means the replay failed
    session: 0,           // bumped at sign-out: answers to requests of an older session are dropped
    items: new Map(),     // trackingCode -> inquiry snapshot (highest version wins)
    previews: new Map(),  // trackingCode -> short text of the latest citizen message
    flags: new Map(),     // trackingCode -> 'warn' | 'over' (from deadline events)
    rows: new Map(),      // trackingCode -> {el, key}
    search: null,         // {q, codes: Set} while a free-text search is active
    shown: SHOW_STEP, selected: null, detail: null,
    pending: new Map(), ids: 0, applied: [], renderQueued: false, previewFetches: new Set(), previewActive: 0,
    calls: new Map(),     // callId -> call not yet ended, from GET /api/v1/calls and call.* events (docs/phone.md)
    endedCalls: new Set() // calls seen ending: a list read before the end must not bring them back
  };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fill(select, map, allLabel) {
    select.replaceChildren();
    if (allLabel) select.appendChild(option('', allLabel));
    Object.keys(map).forEach(function (k) { select.appendChild(option(k, map[k])); });
  }
  function option(value, label) { var o = el('option', null, label); o.value = value; return o; }
  function label(map, key) { return key == null ? '—' : (map[key] || key); }
  function fmtTime(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return d.toLocaleString('vi-VN', { hour: '2-digit', minute: '2-digit', second: '2-digit', day: '2-digit', month: '2-digit' });
  }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function duration(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    if (h >= 48) return Math.floor(h / 24) + ' ngày ' + (h % 24) + ' giờ';
    return h + ':' + pad(m) + ':' + pad(s % 60);
  }

  // ---------------------------------------------------------------- due-time countdown
  /** '' | 'warn' | 'over' for an inquiry now; warn = last fifth of its window (at least 5 min) or a warning event. */
  function dueState(inq, now) {
    if (!inq.dueAt || inq.status === 'closed') return '';
    var due = Date.parse(inq.dueAt);
    if (now >= due) return 'over';
    var created = inq.createdAt ? Date.parse(inq.createdAt) : due;
    var lead = Math.max(5 * 60000, (due - created) / 5);
    if (due - now <= lead || S.flags.get(inq.trackingCode) === 'warn') return 'warn';
    return '';
  }
  function paintDue(node, inq, now) {
    if (!inq.dueAt || inq.status === 'closed') { node.textContent = ''; node.className = 'due'; return; }
    var left = Date.parse(inq.dueAt) - now, st = dueState(inq, now);
    if (inq.status === 'answered' && st !== 'over') st = '';
    node.textContent = left >= 0 ? 'còn ' + duration(left) : 'quá hạn ' + duration(left);
    node.className = 'due' + (st ? ' ' + st : '');
    node.title = 'Hạn trả lời: ' + fmtTime(inq.dueAt);
  }
  function tick() {
    var now = Date.now();
    S.rows.forEach(function (r, code) {
      if (r.el.isConnected) { var inq = S.items.get(code); if (inq) paintDue(r.due, inq, now); }
    });
    if (S.detail) paintDue($('d-due'), S.detail.inquiry, now);
    tickCalls(now);
  }

  // ---------------------------------------------------------------- auth and REST
  function authHeaders(extra) {
    var h = { Authorization: 'Bearer ' + S.token };
    if (extra) Object.keys(extra).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }
  /**
   * fetch + JSON; rejects with {code, message, status}. A 401 (expired or revoked token) sends the agent
   * back to sign-in; so does a 403 on a read (the token's role has no access to the console at all;
   * a command refused to a role is not a 403 of a GET). Answers arriving after a sign-out never settle.
   */
  function api(path, opts) {
    opts = opts || {};
    var session = S.session, method = opts.method || 'GET';
    return fetch(path, { method: opts.method || 'GET', headers: authHeaders(opts.body ? { 'Content-Type': 'application/json' } : null),
      body: opts.body ? JSON.stringify(opts.body) : undefined, cache: 'no-store' })
      .catch(function () { throw { code: 'network', status: 0 }; })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (session !== S.session) return new Promise(function () {});
          if (r.ok) return j;
          var err = { code: j.error || (r.status === 401 ? 'unauthorized' : r.status === 403 ? 'forbidden' : 'unavailable'),
            message: j.message, status: r.status };
          if (r.status === 401 && !opts.noSignout) signOut(ERRORS.unauthorized);
          if (r.status === 403 && method === 'GET' && !opts.noSignout) signOut(ERRORS.no_access);
          throw err;
        }, function (e) {
          if (session !== S.session) return new Promise(function () {});
          throw e;
        });
      }, function (e) {
        if (session !== S.session) return new Promise(function () {});
        throw e;
      });
  }
  function tokenExpired(token) {
    try {
      var p = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof p.exp === 'number' && p.exp * 1000 <= Date.now();
    } catch (e) { return false; }
  }

  function showSignin(message) {
    $('console-view').hidden = true;
    $('agent-info').hidden = true;
    $('banner').hidden = true;
    $('signin-view').hidden = false;
    $('console-view').hidden = true;
    $('signin-error').textContent = message || '';
    $('token').focus();
  }
  function signOut(message) {
    if (S.session && !S.token) { if (message) $('signin-error').textContent = message; return; } // signed out already
    sessionStorage.removeItem(TOKEN_KEY);
    S.token = null; S.agent = null;
    S.gen++; S.session++;
    clearTimeout(S.retryTimer);
    if (S.ws) { try { S.ws.close(1000, 'sign out'); } catch (e) { /* ignore */ } }
    S.ws = null; S.open = false; S.lastSeq = null; S.loaded = false; S.loading = false;
    S.attempts = 0; S.hold = false; S.dropped = false; S.restarting = false; S.subscribeId = null;
    S.applied = []; S.endedCalls.clear(); previewQueue = []; S.previewActive = 0;
    S.pending.forEach(function (p) { clearTimeout(p.timer); });
    S.pending.clear();
    S.items.clear(); S.previews.clear(); S.flags.clear(); S.rows.clear(); S.previewFetches.clear(); S.calls.clear();
    renderCalls();
    S.search = null; S.selected = null; S.detail = null;
    $('queue').replaceChildren();
    $('detail-body').hidden = true; $('detail-empty').hidden = false;
    $('token').value = '';
    showSignin(message);
  }

  function signIn(token) {
    token = (token || '').trim().replace(/^Bearer\s+/i, '');
    if (!token) { $('signin-error').textContent = 'Vui lòng dán mã đăng nhập.'; return; }
    if (tokenExpired(token)) { $('signin-error').textContent = 'Mã đăng nhập đã hết hạn.'; return; }
    S.token = token;
    $('signin').disabled = true;
    $('signin-error').textContent = '';
    api('/api/v1/inquiries?limit=1', { noSignout: true }).then(function () {
      sessionStorage.setItem(TOKEN_KEY, token);
      start();
    }, function (e) {
      S.token = null;
      $('signin-error').textContent = e.status === 401 ? 'Mã đăng nhập không hợp lệ hoặc đã hết hạn.'
        : e.status === 403 ? 'Tài khoản này không có quyền dùng bàn điều hành.' : ERRORS[e.code] || ERRORS.unavailable;
    }).then(function () { $('signin').disabled = false; });
  }

  function start() {
    $('signin-view').hidden = true;
    $('console-view').hidden = false;
    $('queue-status').textContent = 'Đang kết nối...';
    connect();
  }

  // ---------------------------------------------------------------- WebSocket
  function connect() {
    clearTimeout(S.retryTimer);
    if (!S.token) return;
    if (tokenExpired(S.token)) { signOut(ERRORS.unauthorized); return; } // never retry with a dead token
    var gen = ++S.gen;
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/agent/ws?access_token=' + encodeURIComponent(S.token);
    var ws;
    try { ws = new WebSocket(url); } catch (e) { dropped(gen, false, 0); return; }
    S.ws = ws; S.open = false;
    var hello = false;
    ws.onmessage = function (m) {
      if (gen !== S.gen) return;
      var f;
      try { f = JSON.parse(m.data); } catch (e) { return; }
      if (f.type === 'hello') hello = true;
      onFrame(f);
    };
    ws.onclose = function (ev) { if (gen === S.gen) dropped(gen, hello, ev.code); };
    ws.onerror = function () { /* onclose follows */ };
  }

  function showBanner() {
    var b = $('banner');
    b.textContent = S.restarting ? BANNER_RESTART : BANNER_LOST;
    b.className = 'banner' + (S.restarting ? ' info' : '');
    b.hidden = false;
  }

  function dropped(gen, hadHello, code) {
    S.open = false; S.ws = null; S.dropped = true; S.subscribeId = null;
    if (code === 4401) { signOut(ERRORS.unauthorized); return; } // the server closed it: the token expired
    if (code === 1012) S.restarting = true; // closed for a restart without the shutdown frame reaching us
    showBanner();
    S.pending.forEach(function (p, id) { if (p.viaWs) finishCommand(id, { type: 'error', id: id, code: 'lost' }); });
    if (!hadHello) {
      // refused at the handshake: a browser cannot see the status, so ask REST whether the token still works
      // (401: expired or revoked, 403: no access; both sign out and stop the retries)
      api('/api/v1/inquiries?limit=1').catch(function () { /* anything else: the server is away; keep retrying */ });
    }
    scheduleReconnect(S.restarting && hadHello ? 1000 : 0);
  }

  /** Next attempt after the backoff (0.5 s doubling to 30 s, ±20 %), and not before minDelay. */
  function scheduleReconnect(minDelay) {
    clearTimeout(S.retryTimer);
    if (!S.token || S.hold) return;
    var delay = Math.min(30000, 500 * Math.pow(2, S.attempts)) * (0.8 + Math.random() * 0.4);
    S.attempts++;
    S.retryTimer = setTimeout(connect, Math.max(delay, minDelay || 0));
  }

  /**
   * The server ended the stream (lagged, shutdown, failed replay): abandon the socket and reconnect.
   * The backoff is not reset here (only a completed replay resets it), so a server that keeps
   * dropping us is retried less and less often.
   */
  function reconnectSoon(minDelay) {
    var old = S.ws;
    S.gen++; S.ws = null; S.open = false; S.dropped = true; S.subscribeId = null;
    showBanner();
    S.pending.forEach(function (p, id) { if (p.viaWs) finishCommand(id, { type: 'error', id: id, code: 'lost' }); });
    if (old) { try { old.close(); } catch (e) { /* ignore */ } }
    scheduleReconnect(minDelay);
  }

  function send(frame) {
    if (!S.ws || !S.open) return false;
    S.ws.send(JSON.stringify(frame));
    return true;
  }

  function onFrame(f) {
    switch (f.type) {
      case 'hello':
        S.open = true;
        showAgent(f.agent || {});
        if (S.lastSeq === null) S.lastSeq = f.seq;
        // resume after the last event this console applied (never a seq the server claims to have sent)
        S.subscribeId = nextId();
        send({ op: 'subscribe', id: S.subscribeId, since: S.lastSeq });
        if (!S.loaded && !S.loading) loadQueue(); // first connect, or the first load failed
        loadCalls();
        return;
      case 'subscribed':
        return;
      case 'replay.done':
        S.attempts = 0; S.subscribeId = null;
        if (S.dropped) {
          S.dropped = false; S.restarting = false;
          $('banner').hidden = true;
          if (S.selected) refreshDetail();
        }
        return;
      case 'ack': case 'error':
        if (f.id && S.pending.has(f.id)) finishCommand(f.id, f);
        else if (f.type === 'error' && f.id && f.id === S.subscribeId) reconnectSoon(0); // the replay failed: start over
        else if (f.type === 'error') setResult('err', (ERRORS[f.code] || f.code) + (f.message ? ' (' + f.message + ')' : ''));
        return;
      case 'lagged':
        // we fell behind and the server closes: resume from our own last applied seq (f.seq is the server's cursor)
        reconnectSoon(0);
        return;
      case 'shutdown':
        // the server is restarting (SIGTERM): say so and come back after a short, spread-out pause
        S.restarting = true;
        reconnectSoon(1000 + Math.random() * 2000);
        return;
      default:
        if (typeof f.seq === 'number' && f.type && f.type.indexOf('.') > 0) applyEvent(f);
    }
  }

  function showAgent(a) {
    S.agent = a;
    $('agent-info').hidden = false;
    $('agent-name').textContent = a.name || a.sub || '';
    var roles = (a.roles || []).map(function (r) { return ROLES[r] || r; }).join(', ');
    $('agent-role').textContent = roles + (a.department ? ' · ' + label(DEPARTMENTS, a.department) + ' (' + a.department + ')' : '');
  }

  // ---------------------------------------------------------------- the queue
  function loadQueue() {
    $('queue-status').textContent = 'Đang tải danh sách...';
    var base = '/api/v1/inquiries?status=' + OPEN_STATUSES.join(',') + '&limit=' + PAGE;
    function page(offset) {
      return api(base + (offset ? '&offset=' + offset : '')).then(function (j) {
        (j.items || []).forEach(merge);
        scheduleRender();
        var next = offset + (j.items || []).length;
        if ((j.items || []).length === PAGE && next < j.total && next < MAX_LOAD) return page(next);
        return null;
      });
    }
    S.loading = true;
    page(0).then(function () { S.loaded = true; S.loading = false; $('queue-status').textContent = ''; }, function (e) {
      S.loading = false;
      if (e.status !== 401) $('queue-status').textContent = 'Không tải được danh sách: ' + (ERRORS[e.code] || e.code);
    });
  }

  /** Keeps the newer snapshot; returns true when it replaced the stored one. */
  function merge(inq) {
    if (!inq || !inq.trackingCode) return false;
    var old = S.items.get(inq.trackingCode);
    if (old && (old.version || 0) > (inq.version || 0)) return false;
    S.items.set(inq.trackingCode, inq);
    if (!S.previews.has(inq.trackingCode) && inq.subject) S.previews.set(inq.trackingCode, inq.subject);
    return true;
  }

  function applyEvent(f) {
    if (S.lastSeq !== null && f.seq <= S.lastSeq) return; // seen already
    S.lastSeq = f.seq;
    var code = f.trackingCode || (f.inquiry && f.inquiry.trackingCode) || (f.message && f.message.trackingCode);
    S.applied.push({ seq: f.seq, type: f.type, code: code });
    if (S.applied.length > 2000) S.applied.splice(0, 1000);
    var wasUrgent = code && S.items.has(code) && S.items.get(code).priority === 'urgent';
    if (f.inquiry) merge(f.inquiry);
    if (f.message && f.message.direction === 'in' && f.message.text) S.previews.set(code, f.message.text);
    if (f.type.indexOf('call.') === 0) updateCall(f);
    if (f.type === 'deadline.warning') S.flags.set(code, 'warn');
    if (f.type === 'deadline.overdue') S.flags.set(code, 'over');
    var inq = code && S.items.get(code);
    if (inq && inq.priority === 'urgent' && inq.status !== 'closed' && (f.type === 'inquiry.created' || !wasUrgent)) {
      announce('Phản ánh KHẨN mới: ' + code + ' — ' + label(TOPICS, inq.topic) + ' — ' + label(DEPARTMENTS, inq.department));
    }
    if (S.detail && code === S.selected) applyToDetail(f);
    scheduleRender();
  }

  // ---------------------------------------------------------------- live calls
  /** Calls ringing or in progress, from call.* events; an ended call leaves the panel (its inquiry is in the queue). */
  function updateCall(f) {
    if (!f.callId) return;
    if (f.step === 'ended' || f.state === 'ended') {
      S.calls.delete(f.callId);
      S.endedCalls.add(f.callId);
      if (S.endedCalls.size > 5000) S.endedCalls.clear();
    } else {
      var old = S.calls.get(f.callId) || {};
      S.calls.set(f.callId, { callId: f.callId, caller: f.caller || old.caller, callerName: f.callerName || old.callerName,
        state: f.state || f.step, since: old.since || Date.parse(f.stepAt || f.at) || Date.now(), trackingCode: f.trackingCode || old.trackingCode });
    }
    renderCalls();
  }
  /** The calls ringing or talking when the console (re)connects; events keep the panel current after. */
  function loadCalls() {
    api('/api/v1/calls').then(function (j) {
      (j.items || []).forEach(function (c) {
        if (!c.callId || S.calls.has(c.callId) || S.endedCalls.has(c.callId)) return;
        S.calls.set(c.callId, { callId: c.callId, caller: c.caller, callerName: c.callerName, state: c.state,
          since: Date.parse(c.since) || Date.now(), trackingCode: c.trackingCode });
      });
      renderCalls();
    }, function () { /* the panel fills from events */ });
  }
  function renderCalls() {
    var list = $('calls'), calls = Array.from(S.calls.values()).sort(function (a, b) { return a.since - b.since; });
    $('calls-pane').hidden = calls.length === 0;
    $('calls-count').textContent = '(' + calls.length + ')';
    var now = Date.now();
    list.replaceChildren.apply(list, calls.map(function (c) {
      var li = el('li');
      li.setAttribute('data-call-id', c.callId);
      li.setAttribute('data-state', c.state);
      li.appendChild(el('span', 'caller', c.caller || 'Số ẩn'));
      if (c.callerName) li.appendChild(el('span', 'meta', c.callerName));
      li.appendChild(el('span', 'state', label(CALL_STATES, c.state)));
      var t = el('span', 'elapsed', duration(now - c.since));
      t.setAttribute('data-since', c.since);
      li.appendChild(t);
      return li;
    }));
  }
  function tickCalls(now) {
    var stale = false;
    S.calls.forEach(function (c, id) { if (now - c.since > LIVE_CALL_MAX_MS) { S.calls.delete(id); stale = true; } });
    if (stale) { renderCalls(); return; }
    $('calls').querySelectorAll('.elapsed').forEach(function (t) { t.textContent = duration(now - Number(t.getAttribute('data-since'))); });
  }

  function announce(text) {
    var a = $('announcer');
    a.textContent = '';
    setTimeout(function () { a.textContent = text; }, 30);
  }

  function filters() {
    return { status: $('f-status').value, topic: $('f-topic').value, priority: $('f-priority').value, department: $('f-department').value };
  }
  function visible() {
    var f = filters(), out = [];
    S.items.forEach(function (inq, code) {
      if (inq.status === 'closed') return;
      if (f.status && inq.status !== f.status) return;
      if (f.topic && inq.topic !== f.topic) return;
      if (f.priority && inq.priority !== f.priority) return;
      if (f.department && inq.department !== f.department) return;
      if (S.search && !S.search.codes.has(code)) return;
      out.push(inq);
    });
    out.sort(function (a, b) {
      var ua = a.priority === 'urgent' ? 0 : 1, ub = b.priority === 'urgent' ? 0 : 1;
      if (ua !== ub) return ua - ub;
      var da = a.dueAt ? Date.parse(a.dueAt) : Infinity, db = b.dueAt ? Date.parse(b.dueAt) : Infinity;
      if (da !== db) return da - db;
      return (a.createdAt || '') < (b.createdAt || '') ? -1 : 1;
    });
    return out;
  }

  /**
   * One render per frame. A timer backs the animation frame up: a hidden tab runs no frames, and a tab
   * Chrome froze and thawed can lose the pending one, which would leave the queue stale for good.
   */
  function scheduleRender() {
    if (S.renderQueued) return;
    S.renderQueued = true;
    var done = false;
    function run() { if (done) return; done = true; S.renderQueued = false; renderQueue(); }
    if (window.requestAnimationFrame) window.requestAnimationFrame(run);
    setTimeout(run, 250);
  }

  /** Department codes met in the data (district committees, ...) join the filter and the transfer picker. */
  var knownDepts = new Set(Object.keys(DEPARTMENTS));
  function learnDepartments() {
    S.items.forEach(function (inq) {
      var d = inq.department;
      if (d && !knownDepts.has(d)) {
        knownDepts.add(d);
        $('f-department').appendChild(option(d, d));
        $('dept-codes').appendChild(option(d, d));
      }
    });
  }

  function renderQueue() {
    learnDepartments();
    var list = visible(), now = Date.now();
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('#queue [data-code]') : null;
    var focusCode = focused && focused.getAttribute('data-code');
    var frag = document.createDocumentFragment();
    var n = Math.min(list.length, S.shown);
    for (var i = 0; i < n; i++) frag.appendChild(row(list[i], now));
    $('queue').replaceChildren(frag);
    $('queue-count').textContent = '(' + list.length + ')';
    var more = $('queue-more');
    more.hidden = list.length <= n;
    more.textContent = 'Hiện thêm (đang hiện ' + n + '/' + list.length + ')';
    if (focusCode) { var again = S.rows.get(focusCode); if (again && again.el.isConnected) again.btn.focus(); }
    fetchPreviews(list.slice(0, 40));
  }

  function row(inq, now) {
    var code = inq.trackingCode, r = S.rows.get(code);
    var preview = S.previews.get(code) || '';
    var key = inq.version + '|' + preview + '|' + (S.selected === code);
    if (!r) {
      var li = el('li');
      li.setAttribute('data-code', code);
      var btn = el('button', 'qrow');
      btn.type = 'button';
      btn.setAttribute('data-code', code);
      li.appendChild(btn);
      r = { el: li, btn: btn, key: null, due: el('span', 'due') };
      S.rows.set(code, r);
    }
    if (r.key !== key) {
      r.key = key;
      var b = r.btn, urgent = inq.priority === 'urgent';
      b.className = 'qrow' + (urgent ? ' urgent' : '') + (S.selected === code ? ' selected' : '');
      b.setAttribute('aria-current', S.selected === code ? 'true' : 'false');
      r.el.setAttribute('data-status', inq.status);
      r.el.setAttribute('data-priority', inq.priority);
      var l1 = el('div', 'l1'), left = el('span');
      left.appendChild(el('span', 'code', code));
      left.appendChild(document.createTextNode(' '));
      if (urgent) { left.appendChild(el('span', 'badge urgent', 'KHẨN')); left.appendChild(document.createTextNode(' ')); }
      left.appendChild(el('span', 'badge st-' + inq.status, label(STATUSES, inq.status)));
      l1.appendChild(left);
      l1.appendChild(r.due);
      var l2 = el('div', 'l2 meta', [label(CHANNELS, inq.channel), label(TOPICS, inq.topic), inq.department || '—']
        .concat(inq.assignee ? ['Người xử lý: ' + inq.assignee] : []).join(' · '));
      var p = el('div', 'preview', preview || '…');
      b.replaceChildren(l1, l2, p);
      b.setAttribute('aria-label', (urgent ? 'Khẩn, ' : '') + code + ', ' + label(STATUSES, inq.status) + ', ' + label(TOPICS, inq.topic));
    }
    paintDue(r.due, inq, now);
    return r.el;
  }

  /** The list has no message text (API gap): fill previews of the first rows from the detail, two at a time. */
  function fetchPreviews(list) {
    list.forEach(function (inq) {
      var code = inq.trackingCode;
      if (S.previews.has(code) || S.previewFetches.has(code)) return;
      S.previewFetches.add(code);
      queuePreview(code);
    });
  }
  var previewQueue = [];
  function queuePreview(code) { previewQueue.push(code); pumpPreviews(); }
  function pumpPreviews() {
    while (S.previewActive < 2 && previewQueue.length && S.token) {
      var code = previewQueue.shift();
      S.previewActive++;
      api('/api/v1/inquiries/' + encodeURIComponent(code)).then(function (j) {
        var ins = (j.messages || []).filter(function (m) { return m.direction === 'in'; });
        if (ins.length) { S.previews.set(j.inquiry.trackingCode, ins[ins.length - 1].text); scheduleRender(); }
      }, function () { /* leave it empty */ }).then(function () { S.previewActive--; pumpPreviews(); });
    }
  }

  function runSearch() {
    var q = $('f-q').value.trim();
    if (!q) { clearSearch(); return; }
    $('queue-status').textContent = 'Đang tìm...';
    var f = filters(), params = ['q=' + encodeURIComponent(q), 'limit=' + PAGE, 'status=' + (f.status || OPEN_STATUSES.join(','))];
    if (f.topic) params.push('topic=' + f.topic);
    if (f.priority) params.push('priority=' + f.priority);
    if (f.department) params.push('department=' + encodeURIComponent(f.department));
    api('/api/v1/inquiries?' + params.join('&')).then(function (j) {
      var codes = new Set();
      (j.items || []).forEach(function (inq) { merge(inq); codes.add(inq.trackingCode); });
      S.search = { q: q, codes: codes };
      $('search-state').hidden = false;
      $('search-label').textContent = 'Kết quả tìm “' + q + '”: ' + j.total + (j.total > codes.size ? ' (hiện ' + codes.size + ')' : '');
      $('queue-status').textContent = '';
      S.shown = SHOW_STEP;
      scheduleRender();
    }, function (e) {
      if (e.status !== 401) $('queue-status').textContent = 'Không tìm được: ' + (ERRORS[e.code] || e.code);
    });
  }
  function clearSearch() {
    S.search = null;
    $('f-q').value = '';
    $('search-state').hidden = true;
    $('queue-status').textContent = '';
    scheduleRender();
  }

  // ---------------------------------------------------------------- the conversation
  function select(code) {
    if (!code) return;
    S.selected = code;
    S.detail = null;
    scheduleRender();
    $('detail-empty').hidden = true;
    $('detail-body').hidden = false;
    $('d-code').textContent = code;
    $('messages').replaceChildren(el('li', 'empty', 'Đang tải...'));
    $('timeline').replaceChildren();
    setResult('', '');
    refreshDetail();
  }

  function refreshDetail() {
    var code = S.selected;
    api('/api/v1/inquiries/' + encodeURIComponent(code)).then(function (j) {
      if (S.selected !== code) return;
      merge(j.inquiry);
      var d = { inquiry: S.items.get(code) || j.inquiry, messages: new Map(), events: [], seqs: new Set() };
      (j.messages || []).forEach(function (m) { d.messages.set(m.id, m); });
      (j.events || []).forEach(function (e) { if (!d.seqs.has(e.seq)) { d.seqs.add(e.seq); d.events.push(e); } });
      var ins = (j.messages || []).filter(function (m) { return m.direction === 'in'; });
      if (ins.length) S.previews.set(code, ins[ins.length - 1].text);
      S.detail = d;
      renderDetail(true);
      scheduleRender();
    }, function (e) {
      if (S.selected !== code || e.status === 401) return;
      $('messages').replaceChildren();
      setResult('err', 'Không mở được phản ánh: ' + (ERRORS[e.code] || e.code));
    });
  }

  function applyToDetail(f) {
    var d = S.detail;
    if (f.inquiry && (f.inquiry.version || 0) >= (d.inquiry.version || 0)) d.inquiry = f.inquiry;
    if (f.message) d.messages.set(f.message.id, f.message);
    if (f.type === 'reply.sent' || f.type === 'reply.failed') {
      var m = d.messages.get(f.messageId);
      if (m) {
        m.delivery = f.type === 'reply.sent' ? 'sent' : (f.permanent ? 'failed' : 'pending');
        m.deliveryError = f.error || null;
      }
    }
    if (!d.seqs.has(f.seq)) { d.seqs.add(f.seq); d.events.push(f); }
    renderDetail(false);
  }

  function renderDetail(full) {
    var d = S.detail, inq = d.inquiry, closed = inq.status === 'closed';
    $('d-code').textContent = inq.trackingCode;
    var badges = $('d-badges');
    badges.replaceChildren();
    if (inq.priority === 'urgent') badges.appendChild(el('span', 'badge urgent', 'KHẨN'));
    badges.appendChild(el('span', 'badge st-' + inq.status, label(STATUSES, inq.status)));
    paintDue($('d-due'), inq, Date.now());

    facts($('d-facts'), [
      ['Kênh', label(CHANNELS, inq.channel)], ['Lĩnh vực', label(TOPICS, inq.topic)],
      ['Cơ quan', inq.department ? label(DEPARTMENTS, inq.department) + ' (' + inq.department + ')' : '—'],
      ['Người xử lý', inq.assignee || 'chưa có'], ['Tiếp nhận', fmtTime(inq.createdAt)], ['Hạn trả lời', fmtTime(inq.dueAt)]
    ].concat(inq.subject ? [['Tiêu đề', inq.subject]] : []));
    var c = inq.contact || {};
    facts($('contact'), [['Họ tên', c.name || '—'], ['Điện thoại', c.phone || '—'], ['Thư điện tử', c.email || '—'],
      ['Địa chỉ liên hệ', c.address || '—'], ['Huyện', inq.district || '—']]);

    var list = $('messages');
    list.replaceChildren();
    var msgs = Array.from(d.messages.values()).sort(function (a, b) { return a.id - b.id; });
    msgs.forEach(function (m) { list.appendChild(messageItem(m)); });
    if (!msgs.length) list.appendChild(el('li', 'empty', 'Chưa có tin nhắn.'));

    var tl = $('timeline');
    tl.replaceChildren();
    d.events.slice().sort(function (a, b) { return a.seq - b.seq; }).forEach(function (e) {
      var li = el('li');
      li.setAttribute('data-seq', e.seq);
      var t = el('time', null, fmtTime(e.at));
      t.dateTime = e.at || '';
      li.appendChild(t);
      li.appendChild(document.createTextNode(eventText(e)));
      tl.appendChild(li);
    });

    var mine = S.agent && inq.assignee === S.agent.sub;
    $('claim').disabled = closed || mine;
    $('claim').textContent = mine ? 'Bạn đang xử lý' : inq.assignee ? 'Nhận lại xử lý' : 'Nhận xử lý';
    ['reply-send', 'transfer', 'update', 'close', 'callback'].forEach(function (id) { $(id).disabled = closed; });
    var phone = inq.channel === 'phone' || inq.status === 'callback' || !!(inq.contact && inq.contact.phone);
    $('callback-group').hidden = !phone;
    var attempts = d.events.filter(function (e) { return e.type === 'callback.attempted'; });
    $('callback-attempts').textContent = attempts.length ? 'Đã gọi lại ' + attempts.length + ' lần; lần cuối: ' +
      label(CALLBACK_OUTCOMES, (attempts[attempts.length - 1].attempt || {}).outcome) : '';
    if (full) {
      fill($('topic-select'), TOPICS);
      fill($('priority-select'), PRIORITIES);
      $('transfer-dept').value = '';
      $('transfer-reason').value = '';
      $('close-resolution').value = '';
      $('callback-note').value = '';
    }
    $('topic-select').value = inq.topic;
    $('priority-select').value = inq.priority;
  }

  function facts(dl, pairs) {
    dl.replaceChildren();
    pairs.forEach(function (p) { dl.appendChild(el('dt', null, p[0])); dl.appendChild(el('dd', null, p[1])); });
  }

  function messageItem(m) {
    var li = el('li', 'msg ' + m.direction);
    li.setAttribute('data-message-id', m.id);
    li.setAttribute('data-direction', m.direction);
    var who = el('div', 'who');
    var whoText = m.direction === 'in' ? 'Người dân' : m.direction === 'out' ? 'Trả lời của ' + (m.author || 'cán bộ')
      : 'Ghi chú nội bộ của ' + (m.author || 'cán bộ');
    who.appendChild(el('span', null, whoText));
    who.appendChild(el('span', null, fmtTime(m.receivedAt)));
    if (m.direction === 'out') {
      var st = m.delivery || 'pending';
      var dv = el('span', 'delivery ' + st, label(DELIVERY, st) + (m.deliveryError ? ': ' + m.deliveryError : ''));
      dv.setAttribute('data-delivery', st);
      who.appendChild(dv);
    }
    li.appendChild(who);
    if (m.subject) li.appendChild(el('div', 'who', 'Tiêu đề: ' + m.subject));
    li.appendChild(el('div', 'text', m.text));
    (m.attachments || []).forEach(function (a) {
      li.appendChild(el('div', 'who', 'Tệp đính kèm: ' + (a.name || '') + ' (' + (a.contentType || '') + ', ' + (a.size || 0) + ' byte)'));
    });
    return li;
  }

  function eventText(e) {
    var by = e.by ? ' — ' + e.by : '';
    switch (e.type) {
      case 'inquiry.created': return 'Tiếp nhận phản ánh';
      case 'message.created':
        var dir = e.message && e.message.direction;
        return (dir === 'out' ? 'Cán bộ trả lời' : dir === 'note' ? 'Ghi chú nội bộ' : dir === 'in' ? 'Người dân gửi thêm tin' : 'Tin nhắn mới') +
          (e.message && e.message.author ? ' — ' + e.message.author : '');
      case 'inquiry.updated':
        var ch = e.change || {}, from = ch.from || {}, to = ch.to || {};
        var parts = Object.keys(to).map(function (k) {
          var map = k === 'status' ? STATUSES : k === 'topic' ? TOPICS : k === 'priority' ? PRIORITIES : {};
          return k + ': ' + label(map, from[k]) + ' → ' + label(map, to[k]);
        });
        return (OPS[ch.op] || 'Cập nhật') + (parts.length ? ' (' + parts.join('; ') + ')' : '') + by;
      case 'reply.sent': return 'Đã gửi trả lời tới người dân';
      case 'reply.failed': return 'Gửi trả lời lỗi' + (e.permanent ? ' (không gửi lại)' : ' (sẽ thử lại)') + (e.error ? ': ' + e.error : '');
      case 'deadline.warning': return 'Sắp đến hạn trả lời';
      case 'deadline.overdue': return 'Quá hạn trả lời';
      case 'call.offered': return 'Cuộc gọi đến từ ' + (e.caller || 'số ẩn');
      case 'call.ringing': return 'Đang đổ chuông';
      case 'call.answered': return 'Đã nghe máy' + (e.agent ? ' (máy lẻ ' + e.agent + ')' : '');
      case 'call.ended':
        return 'Cuộc gọi kết thúc: ' + label(CAUSES, e.cause) + (e.ringMs != null ? ', đổ chuông ' + duration(e.ringMs) : '') +
          (e.talkMs != null ? ', đàm thoại ' + duration(e.talkMs) : '');
      case 'callback.attempted':
        var a = e.attempt || {};
        return 'Gọi lại lần ' + (a.number || '?') + ': ' + label(CALLBACK_OUTCOMES, a.outcome) + (a.note ? ' — “' + a.note + '”' : '') + by;
      default: return e.type;
    }
  }

  // ---------------------------------------------------------------- commands
  function nextId() { return 'c' + (++S.ids) + '-' + Date.now().toString(36); }

  function setResult(kind, text) {
    var r = $('action-result');
    r.className = 'action-result' + (kind ? ' ' + kind : '');
    r.textContent = text;
  }

  /** Sends a command over the socket (REST when the socket is down); calls done(ok) when answered. */
  function command(op, members, done) {
    var code = S.selected;
    if (!code) return;
    var id = nextId(), frame = { op: op, id: id, trackingCode: code };
    Object.keys(members || {}).forEach(function (k) { frame[k] = members[k]; });
    setResult('wait', OPS[op] + ': đang gửi...');
    var p = { op: op, code: code, done: done, viaWs: false };
    p.timer = setTimeout(function () { finishCommand(id, { type: 'error', id: id, code: 'timeout' }); }, COMMAND_TIMEOUT_MS);
    S.pending.set(id, p);
    if (send(frame)) { p.viaWs = true; return; }
    api('/api/v1/inquiries/' + encodeURIComponent(code) + '/' + op, { method: 'POST', body: members || {} })
      .then(function (j) { finishCommand(id, { type: 'ack', id: id, op: op, inquiry: j.inquiry }); },
        function (e) { finishCommand(id, { type: 'error', id: id, code: e.code, message: e.message }); });
  }

  function finishCommand(id, f) {
    var p = S.pending.get(id);
    if (!p) return;
    S.pending.delete(id);
    clearTimeout(p.timer);
    var ok = f.type === 'ack';
    if (ok) {
      if (f.inquiry) {
        merge(f.inquiry);
        if (S.detail && S.selected === f.inquiry.trackingCode && (f.inquiry.version || 0) >= (S.detail.inquiry.version || 0)) {
          S.detail.inquiry = f.inquiry;
          renderDetail(false);
        }
        scheduleRender();
      }
      if (S.selected === p.code) setResult('ok', OPS[p.op] + ': thành công.');
    } else if (S.selected === p.code) {
      setResult('err', OPS[p.op] + ' không thành công — ' + (ERRORS[f.code] || f.code) + (f.message ? ' (' + f.message + ')' : ''));
    }
    if (p.done) p.done(ok);
  }

  function sendText(op, area, button) {
    var text = $(area).value.trim();
    if (!text) { setResult('err', op === 'reply' ? 'Vui lòng nhập nội dung trả lời.' : 'Vui lòng nhập ghi chú.'); $(area).focus(); return; }
    $(button).disabled = true;
    command(op, { text: text }, function (ok) {
      $(button).disabled = S.detail && S.detail.inquiry.status === 'closed' && op !== 'note';
      if (ok) $(area).value = '';
    });
  }

  // ---------------------------------------------------------------- wiring
  function init() {
    var statusFilter = {};
    OPEN_STATUSES.forEach(function (s) { statusFilter[s] = STATUSES[s]; });
    fill($('f-status'), statusFilter, 'Tất cả');
    fill($('f-topic'), TOPICS, 'Tất cả');
    fill($('f-priority'), PRIORITIES, 'Tất cả');
    var depts = {};
    Object.keys(DEPARTMENTS).forEach(function (k) { depts[k] = k; });
    fill($('f-department'), depts, 'Tất cả');
    var dl = $('dept-codes');
    Object.keys(DEPARTMENTS).forEach(function (k) { dl.appendChild(option(k, DEPARTMENTS[k])); });

    $('signin-form').addEventListener('submit', function (ev) { ev.preventDefault(); signIn($('token').value); });
    $('signout').addEventListener('click', function () { signOut('Đã đăng xuất.'); });
    $('filters').addEventListener('submit', function (ev) { ev.preventDefault(); runSearch(); });
    $('f-clear').addEventListener('click', clearSearch);
    ['f-status', 'f-topic', 'f-priority', 'f-department'].forEach(function (id) {
      $(id).addEventListener('change', function () { S.shown = SHOW_STEP; if (S.search) runSearch(); else scheduleRender(); });
    });
    $('queue-more').addEventListener('click', function () { S.shown += SHOW_STEP; scheduleRender(); });
    $('queue').addEventListener('click', function (ev) {
      var b = ev.target.closest('[data-code]');
      if (b) select(b.getAttribute('data-code'));
    });
    $('queue').addEventListener('keydown', function (ev) {
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
      var li = ev.target.closest('li');
      var next = li && (ev.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling);
      if (next) { ev.preventDefault(); next.querySelector('button').focus(); }
    });
    $('reply-form').addEventListener('submit', function (ev) { ev.preventDefault(); sendText('reply', 'reply-text', 'reply-send'); });
    $('note-form').addEventListener('submit', function (ev) { ev.preventDefault(); sendText('note', 'note-text', 'note-send'); });
    [['reply-text', 'reply-form'], ['note-text', 'note-form']].forEach(function (p) {
      $(p[0]).addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); $(p[1]).requestSubmit(); }
      });
    });
    $('claim').addEventListener('click', function () { command('claim', {}); });
    $('transfer').addEventListener('click', function () {
      var dept = $('transfer-dept').value.trim().toUpperCase();
      if (!dept) { setResult('err', 'Vui lòng nhập mã cơ quan nhận chuyển.'); $('transfer-dept').focus(); return; }
      var m = { department: dept }, reason = $('transfer-reason').value.trim();
      if (reason) m.reason = reason;
      command('transfer', m, function (ok) { if (ok) { $('transfer-dept').value = ''; $('transfer-reason').value = ''; } });
    });
    $('update').addEventListener('click', function () {
      var inq = S.detail && S.detail.inquiry, m = {};
      if (!inq) return;
      if ($('topic-select').value !== inq.topic) m.topic = $('topic-select').value;
      if ($('priority-select').value !== inq.priority) m.priority = $('priority-select').value;
      if (!Object.keys(m).length) { setResult('err', 'Chưa thay đổi lĩnh vực hay mức độ.'); return; }
      command('update', m);
    });
    $('callback').addEventListener('click', function () {
      var m = { outcome: $('callback-outcome').value }, note = $('callback-note').value.trim();
      if (note) m.note = note;
      command('callback', m, function (ok) { if (ok) $('callback-note').value = ''; });
    });
    $('close').addEventListener('click', function () {
      var res = $('close-resolution').value.trim();
      command('close', res ? { resolution: res } : {});
    });
    document.addEventListener('keydown', function (ev) {
      var t = ev.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
      if (ev.key === '/' && !typing && !$('console-view').hidden) { ev.preventDefault(); $('f-q').focus(); }
    });
    setInterval(tick, 1000);

    // a hook for the browser test only (console/?test): drop the socket and hold reconnection
    if (/[?&]test\b/.test(location.search)) {
      window.__consoleTest = {
        dropSocket: function (hold) { S.hold = !!hold; if (S.ws) S.ws.close(); },
        resume: function () { S.hold = false; S.attempts = 0; scheduleReconnect(0); },
        lastSeq: function () { return S.lastSeq; },
        applied: function (code) { return S.applied.filter(function (a) { return a.code === code; }).map(function (a) { return a.type + '#' + a.seq; }); },
        connected: function () { return S.open; }
      };
    }

    var saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved && !tokenExpired(saved)) { S.token = saved; start(); return; }
    if (saved) sessionStorage.removeItem(TOKEN_KEY); // a dead token is not kept
    showSignin(saved ? ERRORS.unauthorized : '');
  }

  init();
})();
