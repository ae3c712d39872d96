// The BMC web console. It speaks only Redfish, with the session token of the logged-in user.
'use strict';

const SYSTEM = '/redfish/v1/Systems/system';
const CHASSIS = '/redfish/v1/Chassis/chassis';
const MANAGER = '/redfish/v1/Managers/bmc';
const SEL = MANAGER + '/LogServices/SEL';
const HISTORY = 60;

const state = { token: sessionStorage.getItem('token'), session: sessionStorage.getItem('session'), account: sessionStorage.getItem('account'), user: sessionStorage.getItem('user'), timer: null, history: {} };
const $ = (id) => document.getElementById(id);

class RedfishError extends Error {
  constructor(status, body) {
    const info = body && body.error && body.error['@Message.ExtendedInfo'];
    // A GeneralError says what to do in its Resolution; the other messages say it in their text.
    const text = (m) => (m.MessageId.endsWith('.GeneralError') ? m.Resolution : m.Message);
    super((info && info.length ? info.map(text).join(' ') : (body && body.error && body.error.message)) || 'HTTP ' + status);
    this.status = status;
    this.messageIds = info ? info.map((m) => m.MessageId.split('.').pop()) : [];
  }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (state.token) headers['X-Auth-Token'] = state.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== '/redfish/v1/SessionService/Sessions') { forget(); show('login'); throw new RedfishError(401, json); }
  if (!response.ok) throw new RedfishError(response.status, json);
  return { json, response };
}

function show(view) {
  for (const v of ['login', 'password', 'app']) $(v + '-view').hidden = v !== view;
}

function forget() {
  clearInterval(state.timer);
  closeConsole();
  state.token = state.session = state.account = state.user = null;
  sessionStorage.clear();
}

function banner(error) {
  $('error-banner').hidden = !error;
  $('error-banner').textContent = error ? error.message : '';
}

function text(value) { return value === null || value === undefined ? '—' : String(value); }

// ---- login and the forced password change ----

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const { json, response } = await api('POST', '/redfish/v1/SessionService/Sessions', { UserName: $('login-user').value, Password: $('login-password').value });
    state.token = response.headers.get('X-Auth-Token');
    state.session = response.headers.get('Location');
    state.user = json.UserName;
    // A Session names no account: the password-change message carries its URI, else the accounts list has it.
    const info = json['@Message.ExtendedInfo'] || [];
    const change = info.find((m) => m.MessageId.endsWith('.PasswordChangeRequired'));
    state.account = change ? change.MessageArgs[0] : await ownAccount(json.UserName);
    for (const key of ['token', 'session', 'account', 'user']) sessionStorage.setItem(key, state[key]);
    if (change) show('password'); else enter();
  } catch (e) {
    $('login-error').textContent = e.status === 401 ? 'Wrong user name or password, or the account is locked.' : e.message;
  }
});

async function ownAccount(user) {
  const { json } = await api('GET', '/redfish/v1/AccountService/Accounts?$expand=.');
  return json.Members.find((a) => a.UserName === user)['@odata.id'];
}

$('password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('password-error').textContent = '';
  if ($('new-password').value !== $('new-password-again').value) { $('password-error').textContent = 'The two passwords differ.'; return; }
  try {
    await api('PATCH', state.account, { Password: $('new-password').value });
    enter();
  } catch (e) { $('password-error').textContent = e.message; }
});

$('logout-button').addEventListener('click', async () => {
  try { if (state.session) await api('DELETE', state.session); } catch (e) { /* the session may have expired already */ }
  forget();
  show('login');
});

async function enter() {
  show('app');
  $('whoami').textContent = state.user;
  try {
    const { json } = await api('GET', '/redfish/v1/');
    $('product').textContent = json.Product;
  } catch (e) { banner(e); }
  route();
}

// ---- pages ----

const pages = { dashboard: dashboard, sensors: sensors, fans: fans, log: eventLog, accounts: accounts, panel: panel, console: serialConsole };
const intervals = { dashboard: 2000, sensors: 1000, fans: 2000, log: 5000, accounts: 0, panel: 1000, console: 0 };

function route() {
  const page = (location.hash || '#dashboard').slice(1);
  const name = pages[page] ? page : 'dashboard';
  for (const section of document.querySelectorAll('.page')) section.hidden = section.id !== name;
  for (const link of document.querySelectorAll('header nav a')) link.classList.toggle('active', link.getAttribute('href') === '#' + name);
  clearInterval(state.timer);
  if (name !== 'console') closeConsole();
  const refresh = async () => { try { await pages[name](); banner(null); } catch (e) { if (e.status !== 401) banner(e); } };
  refresh();
  if (intervals[name]) state.timer = setInterval(refresh, intervals[name]);
}
window.addEventListener('hashchange', () => { if (state.token) route(); });

function confirmed(question) {
  return new Promise((resolve) => {
    const dialog = $('confirm');
    $('confirm-text').textContent = question;
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

async function dashboard() {
  const { json } = await api('GET', SYSTEM);
  $('power-state').textContent = json.PowerState;
  $('health').textContent = json.Status.HealthRollup || json.Status.Health;
  $('health').className = json.Status.HealthRollup || '';
  $('id-led').textContent = json.LocationIndicatorActive ? 'On' : 'Off';
  const facts = { Model: json.Model, 'Serial number': json.SerialNumber, Processors: json.ProcessorSummary.Count === null ? 'not known until the host completes POST' : json.ProcessorSummary.Count + ' × ' + json.ProcessorSummary.Model, Memory: json.MemorySummary.TotalSystemMemoryGiB === null ? 'not known' : json.MemorySummary.TotalSystemMemoryGiB + ' GiB', 'Boot override': json.Boot.BootSourceOverrideTarget + ' (' + json.Boot.BootSourceOverrideEnabled + ')' };
  $('system-facts').replaceChildren(...Object.entries(facts).flatMap(([k, v]) => { const dt = document.createElement('dt'); dt.textContent = k; const dd = document.createElement('dd'); dd.textContent = text(v); return [dt, dd]; }));
}

for (const button of document.querySelectorAll('[data-reset]')) {
  button.addEventListener('click', async () => {
    const type = button.dataset.reset;
    if (!await confirmed(button.textContent + ': are you sure? (' + type + ')')) return;
    try { await api('POST', SYSTEM + '/Actions/ComputerSystem.Reset', { ResetType: type }); banner(null); await dashboard(); } catch (e) { banner(e); }
  });
}

$('id-led-toggle').addEventListener('click', async () => {
  try {
    const { json } = await api('GET', SYSTEM);
    await api('PATCH', SYSTEM, { LocationIndicatorActive: !json.LocationIndicatorActive });
    await dashboard();
  } catch (e) { banner(e); }
});

async function sensors() {
  const { json } = await api('GET', CHASSIS + '/Sensors?$expand=.');
  const list = $('sensor-list');
  for (const sensor of json.Members) {
    let card = document.getElementById('chart-' + sensor.Id);
    if (!card) {
      card = document.createElement('div');
      card.className = 'chart';
      card.id = 'chart-' + sensor.Id;
      card.innerHTML = '<h3></h3><span class="value"></span> <span class="status"></span><canvas width="300" height="60"></canvas>';
      card.querySelector('h3').textContent = sensor.Name;
      list.appendChild(card);
    }
    const history = state.history[sensor.Id] || (state.history[sensor.Id] = []);
    if (sensor.Reading !== null && sensor.ReadingTime !== history.lastTime) {
      history.push(sensor.Reading);
      history.lastTime = sensor.ReadingTime;
      if (history.length > HISTORY) history.shift();
    }
    card.dataset.points = String(history.length);
    card.querySelector('.value').textContent = reading(sensor);
    const status = card.querySelector('.status');
    status.textContent = sensor.Status.State === 'Enabled' ? sensor.Status.Health : sensor.Status.State;
    status.className = 'status ' + sensor.Status.Health;
    draw(card.querySelector('canvas'), history, sensor.Thresholds);
  }
}

const UNITS = { Cel: '°C', V: 'V', A: 'A', W: 'W', RPM: 'RPM' };
function reading(sensor) {
  if (sensor.Reading === null) return '—';
  const digits = sensor.ReadingUnits === 'RPM' || sensor.ReadingUnits === 'W' ? 0 : sensor.ReadingUnits === 'Cel' ? 1 : 2;
  return sensor.Reading.toFixed(digits) + ' ' + (UNITS[sensor.ReadingUnits] || sensor.ReadingUnits);
}

function draw(canvas, values, thresholds) {
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (values.length < 1) return;
  const limits = Object.values(thresholds || {}).map((t) => t.Reading);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 1) { lo -= 0.5; hi += 0.5; }
  const y = (v) => canvas.height - 4 - (v - lo) / (hi - lo) * (canvas.height - 8);
  g.strokeStyle = '#f59e0b';
  for (const limit of limits) { if (limit >= lo && limit <= hi) { g.beginPath(); g.moveTo(0, y(limit)); g.lineTo(canvas.width, y(limit)); g.stroke(); } }
  g.strokeStyle = '#2563eb';
  g.lineWidth = 2;
  g.beginPath();
  values.forEach((v, i) => { const x = values.length === 1 ? canvas.width : i * canvas.width / (HISTORY - 1); if (i === 0) g.moveTo(x, y(v)); else g.lineTo(x, y(v)); });
  g.stroke();
}

async function fans() {
  const { json } = await api('GET', CHASSIS + '/ThermalSubsystem/Fans?$expand=.');
  $('fan-rows').replaceChildren(...json.Members.map((fan) => row([fan.Name, text(fan.SpeedPercent.Reading) + ' %', text(fan.SpeedPercent.SpeedRPM), fan.Status.State, fan.Status.Health])));
}

function row(cells, extra) {
  const tr = document.createElement('tr');
  for (const cell of cells) { const td = document.createElement('td'); td.textContent = cell; tr.appendChild(td); }
  if (extra) { const td = document.createElement('td'); td.appendChild(extra); tr.appendChild(td); }
  return tr;
}

let logEntries = [];
async function eventLog() {
  const { json } = await api('GET', SEL + '/Entries?$expand=.');
  logEntries = json.Members;
  renderLog();
}

function renderLog() {
  const filter = $('log-filter').value.toLowerCase();
  const severity = $('log-severity').value;
  const shown = logEntries.filter((e) => (!filter || e.Message.toLowerCase().includes(filter)) && (!severity || e.Severity === severity)).reverse();
  $('log-rows').replaceChildren(...shown.map((e) => { const tr = row([e.Id, e.Created, e.Severity, e.Message]); tr.className = e.Severity; return tr; }));
  $('log-count').textContent = shown.length + ' of ' + logEntries.length + ' entries';
}
$('log-filter').addEventListener('input', renderLog);
$('log-severity').addEventListener('change', renderLog);
$('log-clear').addEventListener('click', async () => {
  if (!await confirmed('Clear the whole event log?')) return;
  try { await api('POST', SEL + '/Actions/LogService.ClearLog', {}); await eventLog(); banner(null); } catch (e) { banner(e); }
});

async function accounts() {
  const { json } = await api('GET', '/redfish/v1/AccountService/Accounts?$expand=.');
  $('account-rows').replaceChildren(...json.Members.map((a) => {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.addEventListener('click', async () => {
      if (!await confirmed('Delete account ' + a.UserName + '?')) return;
      try { await api('DELETE', a['@odata.id']); await accounts(); banner(null); } catch (e) { banner(e); }
    });
    return row([a.Id, a.UserName, a.RoleId, a.Enabled ? 'yes' : 'no', a.Locked ? 'yes' : 'no'], remove);
  }));
}
$('account-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('POST', '/redfish/v1/AccountService/Accounts', { UserName: $('account-user').value, Password: $('account-password').value, RoleId: $('account-role').value });
    $('account-form').reset();
    await accounts();
    banner(null);
  } catch (e) { banner(e); }
});

async function panel() {
  try {
    const { json } = await api('GET', MANAGER + '/Oem/Appliance/FrontPanel');
    $('lcd').textContent = json.Lines.join('\n');
    $('lcd').classList.toggle('dark', !json.Backlight);
    $('panel-buttons').hidden = false;
  } catch (e) {
    if (e.status !== 404) throw e;
    $('lcd').textContent = 'The front panel is not available on this BMC.';
    $('panel-buttons').hidden = true;
  }
}
for (const button of document.querySelectorAll('[data-button]')) {
  button.addEventListener('click', async () => {
    if (button.dataset.confirm && !await confirmed(button.dataset.confirm)) return;
    try { await api('POST', MANAGER + '/Oem/Appliance/FrontPanel/Actions/ApplianceFrontPanel.PressButton', { Button: button.dataset.button }); await panel(); } catch (e) { banner(e); }
  });
}

// The host's serial console: an xterm.js terminal on a WebSocket. The first message is the session
// token (a browser cannot set headers on a WebSocket); then the BMC sends the console's output and
// what is typed goes to the host.
const serial = { terminal: null, socket: null };

async function serialConsole() {
  if (!serial.terminal) {
    serial.terminal = new Terminal({ cols: 80, rows: 24, convertEol: false, scrollback: 2000 });
    serial.terminal.open($('terminal'));
    serial.terminal.onData((data) => {
      if (serial.socket && serial.socket.readyState === WebSocket.OPEN) serial.socket.send(new TextEncoder().encode(data));
    });
  }

  if (serial.socket) return;
  serial.terminal.reset();
  $('console-state').textContent = 'Connecting…';
  const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/console/serial');
  socket.binaryType = 'arraybuffer';
  serial.socket = socket;
  socket.onopen = () => { socket.send(state.token); $('console-state').textContent = 'Connected.'; serial.terminal.focus(); };
  socket.onmessage = (event) => serial.terminal.write(new Uint8Array(event.data));
  socket.onclose = (event) => {
    if (serial.socket === socket) serial.socket = null;
    $('console-state').textContent = event.reason ? 'Disconnected: ' + event.reason + '.' : 'Disconnected.';
  };
}

function closeConsole() {
  if (serial.socket) { const socket = serial.socket; serial.socket = null; socket.close(); }
}

// ---- start ----
if (state.token) enter(); else show('login');
