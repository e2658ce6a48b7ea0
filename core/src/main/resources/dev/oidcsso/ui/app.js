// oidc-sso UI: access tokens for everyone, grants and rules for administrators.
// Plain JavaScript, no framework, no build step, nothing fetched from anywhere but this server.
// Every value from the server reaches the page through textContent or an attribute value, never
// through markup parsing, so a hostile user, group or resource name cannot inject HTML.
'use strict';

(() => {
  // ---- the REST API, relative to this page (…/oidc/ui/ → …/oidc/api/), so a proxy prefix is kept --

  const API_BASE = new URL('../api/', document.baseURI);

  class ApiError extends Error {
    constructor(status, message, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  const state = {
    me: null,
    csrf: null,
    levels: ['NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE'],
    types: [],
    users: [],
    usersNext: null,
    usersShown: 0,
    groups: [],
    groupsNext: null,
    groupsShown: 0,
    rules: [],
    rulesNext: null,
    rulesShown: 0,
    grantsResource: null,
    resources: new Map(),
    editingRule: null,
    detail: null,
  };

  /** A page of an admin list is this long; "Show more" fetches the next page from the server. */
  const PAGE = 50;

  /** The cursor of a list answer's next link, or null on the last page. */
  function cursorOf(data) {
    return data.next ? new URL(data.next, document.baseURI).searchParams.get('cursor') : null;
  }

  function apiUrl(path, query) {
    const url = new URL(path, API_BASE);
    if (query) {
      for (const [key, value] of Object.entries(query)) {
        url.searchParams.set(key, value);
      }
    }
    return url;
  }

  async function call(method, path, body, query) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && state.csrf) {
      headers['X-OIDC-SSO-CSRF'] = state.csrf;
    }
    let response;
    try {
      response = await fetch(apiUrl(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
      });
    } catch (e) {
      throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!response.ok) {
      let message = data && typeof data.message === 'string' ? data.message : 'The server answered ' + response.status + '.';
      if (response.status === 401) {
        message += ' Your session may have ended: reload the page to sign in again.';
      }
      throw new ApiError(response.status, message, data && data.error);
    }
    return data;
  }

  const seg = (text) => encodeURIComponent(text);

  /** A user or group as the page names it in messages: kind, then the name in quotes. */
  const named = (grantee) => grantee.kind + ' "' + grantee.name + '"';

  // ---- small DOM helpers: text only ---------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (name === 'class') {
        element.className = value;
      } else if (name === 'onclick') {
        element.addEventListener('click', value);
      } else if (name === 'data') {
        Object.assign(element.dataset, value);
      } else {
        element.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== undefined && child !== null && child !== false) {
        element.append(child instanceof Node ? child : String(child));
      }
    }
    return element;
  }

  function button(label, onclick, options) {
    const opts = options || {};
    return el('button', { type: 'button', class: opts.class, 'aria-label': opts.label, id: opts.id, onclick }, label);
  }

  /**
   * Gives every cell of a table its column's heading as data-label: on a narrow screen the CSS
   * shows each row as a card of label-value lines instead of a table wider than the screen.
   */
  function labelCells(table) {
    const headings = [...table.tHead.rows[0].cells].map((cell) => cell.textContent);
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        [...row.cells].forEach((cell, index) => {
          cell.dataset.label = headings[index] || '';
        });
      }
    }
    return table;
  }

  function options(select, values, selected) {
    const keep = selected !== undefined ? selected : select.value;
    select.replaceChildren(...values.map((value) => el('option', { value }, value)));
    if (values.includes(keep)) {
      select.value = keep;
    }
  }

  // ---- status messages (one polite live region) ---------------------------------------------------

  let statusTimer = null;

  function say(message, kind) {
    const status = $('status');
    status.className = 'status ' + (kind || 'ok');
    // Emptying first makes screen readers announce a message equal to the previous one.
    status.textContent = '';
    window.clearTimeout(statusTimer);
    statusTimer = window.setTimeout(() => {
      status.textContent = message;
    }, 30);
  }

  /** Clears the status line: a message is about the last action only, never an earlier one. */
  function clearStatus() {
    const status = $('status');
    window.clearTimeout(statusTimer);
    status.className = 'status';
    status.textContent = '';
  }

  function fail(error) {
    const message = error instanceof ApiError ? error.message : 'Something went wrong: ' + String(error && error.message);
    say(message, 'error');
  }

  /**
   * Runs an action from a button or form, disabling it meanwhile; reports failures. Every action
   * starts with an empty status line, and hides a shown-once token: it was to be copied at once,
   * and should not stay on screen while the user works elsewhere on the page.
   */
  async function act(control, action) {
    clearStatus();
    hideTokens();
    if (control) {
      control.disabled = true;
    }
    try {
      await action();
    } catch (error) {
      fail(error);
    } finally {
      if (control) {
        control.disabled = false;
      }
    }
  }

  // ---- dates --------------------------------------------------------------------------------------

  const DAY = 24 * 60 * 60 * 1000;

  /** Expiry dates are whole UTC days: tomorrow (UTC) at the earliest, one year ahead at the latest. */
  function limitExpiry(input) {
    const now = Date.now();
    input.min = new Date(now + DAY).toISOString().slice(0, 10);
    input.max = new Date(now + 365 * DAY).toISOString().slice(0, 10);
  }

  function expiryOf(input) {
    const value = input.value;
    if (!value) {
      return null;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new ApiError(400, 'The expiry date is not a valid date.');
    }
    if ((input.min && value < input.min) || (input.max && value > input.max)) {
      throw new ApiError(400, 'Choose an expiry date between ' + input.min + ' and ' + input.max + ' (at most one year ahead).');
    }
    return value + 'T00:00:00Z';
  }

  function when(iso) {
    if (!iso) {
      return 'never';
    }
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
      return iso;
    }
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  // ---- the shown-once token -----------------------------------------------------------------------

  async function copy(text, input) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        say('Copied the token to the clipboard.');
        return;
      }
    } catch (e) {
      // fall back below: clipboard permission refused or not available
    }
    input.focus();
    input.select();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch (e) {
      copied = false;
    }
    if (copied) {
      say('Copied the token to the clipboard.');
    } else {
      say('Copying is not available here: the token is selected, press Ctrl+C (⌘C on a Mac) to copy it.', 'info');
    }
  }

  const TOKEN_CONTAINERS = ['token-new', 'users-token'];

  function hideTokens() {
    for (const id of TOKEN_CONTAINERS) {
      const container = $(id);
      if (container && !container.hidden) {
        container.replaceChildren();
        container.hidden = true;
      }
    }
  }

  function showToken(container, issued, idPrefix) {
    const inputId = idPrefix + '-value';
    const input = el('input', { id: inputId, type: 'text', readonly: true, value: issued.token, autocomplete: 'off',
      spellcheck: 'false', 'aria-describedby': idPrefix + '-once' });
    container.replaceChildren(
      el('p', {}, el('strong', {}, 'New access token for ' + named({ kind: 'user', name: issued.username }))),
      el('p', { id: idPrefix + '-once' }, 'Shown once: copy it now, it cannot be shown again. '
        + (issued.expires_at ? 'It expires ' + when(issued.expires_at) + '.' : 'It never expires.')
        + ' Any previous token of this user no longer works.'
        + ' It is hidden when you do anything else on this page.'),
      el('label', { for: inputId }, 'Token'),
      el('div', { class: 'copyrow' }, input, button('Copy', () => copy(issued.token, input), { id: idPrefix + '-copy' })),
      el('p', { class: 'hint' }, 'Use it as the password with HTTP basic auth and the user name "' + issued.username + '".'),
      button('Hide the token', () => {
        container.replaceChildren();
        container.hidden = true;
        clearStatus();
        say('The token is hidden; it cannot be shown again.', 'info');
      }, { id: idPrefix + '-hide' }));
    container.className = 'secret';
    container.hidden = false;
    input.focus();
    input.select();
  }

  // ---- who am I and my token ----------------------------------------------------------------------

  function renderMe() {
    const me = state.me;
    $('me-username').textContent = me.username;
    $('me-groups').textContent = me.groups.length ? me.groups.join(', ') : 'none';
    $('me-admin').textContent = me.admin ? 'yes' : 'no';
    $('me-method').textContent = me.auth_method;
    $('token-example-user').textContent = me.username;
    $('token-curl').textContent = 'curl -u "' + me.username + ':$TOKEN" ' + new URL('../../', document.baseURI).href;
    $('me').removeAttribute('aria-busy');
    const token = me.token;
    const generate = $('token-generate');
    if (token) {
      $('token-state').textContent = 'You have an access token, created ' + when(token.created_at) + ', '
        + (token.expires_at ? 'expiring ' + when(token.expires_at) + '.' : 'never expiring.');
      generate.textContent = 'Rotate token';
      $('token-delete').hidden = false;
    } else {
      $('token-state').textContent = 'You have no access token.';
      generate.textContent = 'Generate token';
      $('token-delete').hidden = true;
    }
  }

  async function loadMe() {
    const me = await call('GET', 'me');
    state.me = me;
    state.csrf = me.csrf_token || readCsrfCookie();
    renderMe();
  }

  function readCsrfCookie() {
    for (const part of document.cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === 'oidc_sso_csrf') {
        return decodeURIComponent(rest.join('='));
      }
    }
    return null;
  }

  function wireToken() {
    limitExpiry($('token-expiry'));
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act($('token-generate'), async () => {
        const rotating = Boolean(state.me && state.me.token);
        const issued = await call('POST', 'me/token', { expires_at: expiryOf($('token-expiry')) });
        showToken($('token-new'), issued, 'new-token');
        await loadMe();
        say(rotating ? 'New token generated; the previous one no longer works. Copy it now: it is shown once.'
          : 'Token generated. Copy it now: it is shown once.');
        if (state.me.admin) {
          await refreshUsers();
        }
      });
    });
    $('token-delete').addEventListener('click', () => {
      act($('token-delete'), async () => {
        await call('DELETE', 'me/token');
        $('token-new').replaceChildren();
        $('token-new').hidden = true;
        await loadMe();
        $('token-generate').focus();
        say('Your access token is deleted; scripts using it are refused from now on.');
        if (state.me.admin) {
          await refreshUsers();
        }
      });
    });
  }

  // ---- check access -------------------------------------------------------------------------------

  function setCheck(user, type, name) {
    if (user) {
      $('check-user').value = user;
    }
    if (type && state.types.includes(type)) {
      $('check-type').value = type;
    }
    if (name) {
      $('check-name').value = name;
    }
  }

  const BASIS = {
    admin: 'the user is an administrator',
    user: 'a grant to the user',
    group: 'a grant to one of the user\'s groups',
    regex: 'a rule for the user',
    'group-regex': 'a rule for one of the user\'s groups',
    default: 'no grant or rule matched: the default level',
    disabled: 'the user is disabled',
  };

  async function runCheck(quiet) {
    const user = $('check-user').value.trim();
    const type = $('check-type').value;
    const name = $('check-name').value.trim();
    const result = $('check-result');
    if (!user || !type || !name) {
      if (!quiet) {
        throw new ApiError(400, 'To check access, give a user, a resource type and a resource name.');
      }
      return;
    }
    try {
      const effective = await call('GET', 'permissions/effective', undefined, { user, type, name });
      result.dataset.level = effective.level;
      result.dataset.user = effective.user;
      result.replaceChildren(
        effective.user + ' has ', el('span', { class: 'level', id: 'check-level' }, effective.level),
        ' on ' + effective.resource.type + ' "' + effective.resource.name + '" (' + (BASIS[effective.basis] || effective.basis) + ').');
    } catch (error) {
      delete result.dataset.level;
      result.textContent = error.message;
      if (!quiet) {
        throw error;
      }
    }
  }

  function wireCheck() {
    $('check-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act($('check-submit'), () => runCheck(false));
    });
  }

  /** After any change: reload what may show it, and check access again. */
  async function changed() {
    await Promise.all([refreshUsers(), refreshGroups(), refreshRules(), refreshGrants(), refreshDetail(), refreshResources()]);
    await runCheck(true);
  }

  // ---- grants on a resource -----------------------------------------------------------------------

  async function refreshGrants() {
    const resource = state.grantsResource;
    if (!resource) {
      return;
    }
    const data = await call('GET', 'grants', undefined, { type: resource.type, name: resource.name });
    const body = $('grants-table').tBodies[0];
    const grants = data.grants.slice().sort((a, b) => a.grantee.kind.localeCompare(b.grantee.kind)
      || a.grantee.name.localeCompare(b.grantee.name));
    body.replaceChildren(...grants.map(grantRow));
    labelCells($('grants-table'));
    $('grants-table').hidden = grants.length === 0;
    $('grants-empty').hidden = grants.length !== 0;
    $('grants-title').textContent = 'Grants on ' + resource.type + ' "' + resource.name + '"';
    $('grants-view').hidden = false;
  }

  function grantRow(grant) {
    const who = named(grant.grantee);
    const select = el('select', { 'aria-label': 'Level for ' + who });
    options(select, state.levels, grant.level);
    const save = button('Change', (event) => act(event.currentTarget, () => putGrant(grant.grantee, grant.resource, select.value)),
      { class: 'small', label: 'Change the level of ' + who });
    const remove = button('Delete', (event) => act(event.currentTarget, async () => {
      await call('DELETE', 'grants', { grantee: grant.grantee, resource: grant.resource });
      say('Deleted the grant of ' + who + ' on ' + grant.resource.type + ' "' + grant.resource.name + '".');
      followGrant(grant.grantee, grant.resource);
      await changed();
    }), { class: 'small danger', label: 'Delete the grant of ' + who });
    return el('tr', { data: { kind: grant.grantee.kind, name: grant.grantee.name } },
      el('td', {}, grant.grantee.name), el('td', {}, grant.grantee.kind), el('td', {}, select),
      el('td', {}, el('div', { class: 'actions' }, save, remove)));
  }

  /** Points the access check at what a grant change affects. */
  function followGrant(grantee, resource) {
    if (grantee.kind === 'user') {
      setCheck(grantee.name, resource.type, resource.name);
    } else {
      setCheck(null, resource.type, resource.name);
    }
  }

  async function putGrant(grantee, resource, level) {
    const result = await call('PUT', 'grants', { grantee, resource, level });
    const on = resource.type + ' "' + resource.name + '"';
    say(result.previous_level
      ? 'Changed the grant of ' + named(grantee) + ' on ' + on + ' from ' + result.previous_level + ' to ' + result.level + '.'
      : 'Granted ' + result.level + ' on ' + on + ' to ' + named(grantee) + '.');
    followGrant(grantee, resource);
    await changed();
  }

  function openGrants(type, name) {
    $('grants-type').value = type;
    $('grants-name').value = name;
    state.grantsResource = { type, name };
    return refreshGrants();
  }

  function wireGrants() {
    $('grants-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act($('grants-show'), async () => {
        const name = $('grants-name').value.trim();
        if (!name) {
          throw new ApiError(400, 'Give the name of the resource whose grants you want to see.');
        }
        await openGrants($('grants-type').value, name);
        setCheck(null, $('grants-type').value, name);
        await runCheck(true);
      });
    });
    $('grant-kind').addEventListener('change', () => {
      $('grant-name').setAttribute('list', $('grant-kind').value === 'user' ? 'known-users' : 'known-groups');
    });
    $('grant-add').addEventListener('submit', (event) => {
      event.preventDefault();
      act($('grant-save'), async () => {
        const name = $('grant-name').value.trim();
        if (!name) {
          throw new ApiError(400, 'Give the user or group name to grant to.');
        }
        await putGrant({ kind: $('grant-kind').value, name }, state.grantsResource, $('grant-level').value);
        $('grant-name').value = '';
      });
    });
  }

  // ---- known resources: every resource with a grant (a creator's MANAGE grant included) ---------

  async function refreshResources() {
    // One page of grants only: a suggestion list, not an inventory (there may be 100 000 grants).
    const data = await call('GET', 'grants', undefined, { limit: 500 });
    const byType = new Map(state.types.map((type) => [type, new Set()]));
    for (const grant of data.grants) {
      if (byType.has(grant.resource.type)) {
        byType.get(grant.resource.type).add(grant.resource.name);
      }
    }
    state.resources = new Map([...byType].map(([type, names]) => [type, [...names].sort((a, b) => a.localeCompare(b))]));
    offerResources('grants-type', 'grants-resources');
    offerResources('check-type', 'check-resources');
  }

  /** Fills a resource-name datalist with the known names of the type its form has selected. */
  function offerResources(typeSelectId, datalistId) {
    const names = state.resources.get($(typeSelectId).value) || [];
    $(datalistId).replaceChildren(...names.map((name) => el('option', { value: name })));
  }

  // ---- rules --------------------------------------------------------------------------------------

  async function refreshRules() {
    const data = await call('GET', 'rules', undefined, { limit: Math.min(1000, Math.max(PAGE, state.rulesShown)) });
    state.rules = data.rules;
    state.rulesNext = cursorOf(data);
    renderRules();
  }

  async function moreRules() {
    const data = await call('GET', 'rules', undefined, { limit: PAGE, cursor: state.rulesNext });
    state.rules = state.rules.concat(data.rules);
    state.rulesNext = cursorOf(data);
    renderRules();
  }

  /** Rules come by type, then priority and id: the order in which they are tried within a type. */
  function renderRules() {
    state.rulesShown = state.rules.length;
    $('rules-table').tBodies[0].replaceChildren(...state.rules.map(ruleRow));
    labelCells($('rules-table'));
    $('rules-table').hidden = state.rules.length === 0;
    $('rules-empty').hidden = state.rules.length !== 0;
    $('rules-more').hidden = !state.rulesNext;
  }

  function ruleRow(rule) {
    const who = named(rule.grantee);
    return el('tr', { data: { id: rule.id } },
      el('td', {}, String(rule.priority)), el('td', {}, who), el('td', {}, rule.type),
      el('td', {}, el('code', {}, rule.pattern)), el('td', {}, rule.level),
      el('td', {}, el('div', { class: 'actions' },
        button('Edit', () => editRule(rule), { class: 'small', label: 'Edit rule ' + rule.id + ' (' + rule.pattern + ')' }),
        button('Delete', (event) => act(event.currentTarget, async () => {
          await call('DELETE', 'rules/' + seg(String(rule.id)));
          if (state.editingRule === rule.id) {
            resetRuleForm();
          }
          say('Deleted rule ' + rule.id + ' (' + who + ', ' + rule.type + ' ' + rule.pattern + ').');
          await changed();
        }), { class: 'small danger', label: 'Delete rule ' + rule.id + ' (' + rule.pattern + ')' }))));
  }

  function editRule(rule) {
    state.editingRule = rule.id;
    $('rule-legend').textContent = 'Edit rule ' + rule.id + ' (' + named(rule.grantee) + ', ' + rule.type + ')';
    $('rule-kind').value = rule.grantee.kind;
    $('rule-name').value = rule.grantee.name;
    $('rule-type').value = rule.type;
    $('rule-pattern').value = rule.pattern;
    $('rule-level').value = rule.level;
    $('rule-priority').value = String(rule.priority);
    // The grantee and type of a rule are fixed; a different one is a new rule.
    for (const id of ['rule-kind', 'rule-name', 'rule-type']) {
      $(id).disabled = true;
    }
    $('rule-save').textContent = 'Save rule';
    $('rule-cancel').hidden = false;
    $('rule-pattern').focus();
  }

  function resetRuleForm() {
    state.editingRule = null;
    $('rule-legend').textContent = 'Add a rule';
    for (const id of ['rule-kind', 'rule-name', 'rule-type']) {
      $(id).disabled = false;
    }
    $('rule-pattern').value = '';
    $('rule-priority').value = '0';
    $('rule-save').textContent = 'Add rule';
    $('rule-cancel').hidden = true;
  }

  function wireRules() {
    $('rule-kind').addEventListener('change', () => {
      $('rule-name').setAttribute('list', $('rule-kind').value === 'user' ? 'known-users' : 'known-groups');
    });
    $('rule-cancel').addEventListener('click', () => {
      resetRuleForm();
      $('rule-kind').focus();
      say('Editing cancelled.', 'info');
    });
    $('rule-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act($('rule-save'), async () => {
        const priorityText = $('rule-priority').value.trim();
        const priority = priorityText === '' ? 0 : Number(priorityText);
        if (!Number.isInteger(priority)) {
          throw new ApiError(400, 'The priority must be a whole number.');
        }
        const pattern = $('rule-pattern').value;
        const level = $('rule-level').value;
        let rule;
        if (state.editingRule !== null) {
          rule = await call('PATCH', 'rules/' + seg(String(state.editingRule)), { pattern, level, priority });
          say('Saved rule ' + rule.id + ': ' + named(rule.grantee) + ' gets ' + rule.level + ' on '
            + rule.type + ' names matching ' + rule.pattern + ' (priority ' + rule.priority + ').');
        } else {
          const name = $('rule-name').value.trim();
          if (!name) {
            throw new ApiError(400, 'Give the user or group the rule is for.');
          }
          rule = await call('POST', 'rules', { grantee: { kind: $('rule-kind').value, name }, type: $('rule-type').value,
            pattern, level, priority });
          say('Added rule ' + rule.id + ': ' + named(rule.grantee) + ' gets ' + rule.level + ' on '
            + rule.type + ' names matching ' + rule.pattern + ' (priority ' + rule.priority + ').');
        }
        if (rule.grantee.kind === 'user') {
          setCheck(rule.grantee.name, rule.type, null);
        }
        resetRuleForm();
        await changed();
      });
    });
  }

  // ---- users and groups ---------------------------------------------------------------------------

  /**
   * Shows the users the server finds, one page at a time: a refresh re-reads as many as are shown,
   * never the whole list (there may be tens of thousands).
   */
  async function refreshUsers() {
    const q = $('users-search').value.trim();
    const wanted = Math.min(1000, Math.max(PAGE, state.usersShown));
    const data = await call('GET', 'users', undefined, q ? { q, limit: wanted } : { limit: wanted });
    state.users = data.users;
    state.usersNext = cursorOf(data);
    renderUsers();
  }

  async function moreUsers() {
    const q = $('users-search').value.trim();
    const query = { limit: PAGE, cursor: state.usersNext };
    if (q) {
      query.q = q;
    }
    const data = await call('GET', 'users', undefined, query);
    state.users = state.users.concat(data.users);
    state.usersNext = cursorOf(data);
    renderUsers();
  }

  function renderUsers() {
    state.usersShown = state.users.length;
    $('known-users').replaceChildren(...state.users.map((user) => el('option', { value: user.username })));
    $('users-table').tBodies[0].replaceChildren(...state.users.map(userRow));
    labelCells($('users-table'));
    $('users-empty').hidden = state.users.length !== 0;
    $('users-more').hidden = !state.usersNext;
  }

  function wireUsers() {
    $('users-search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.usersShown = 0;
      act($('users-search-go'), refreshUsers);
    });
    $('users-more').addEventListener('click', (event) => act(event.currentTarget, moreUsers));
    $('groups-more').addEventListener('click', (event) => act(event.currentTarget, moreGroups));
    $('rules-more').addEventListener('click', (event) => act(event.currentTarget, moreRules));
  }

  function userRow(user) {
    const self = state.me && user.username === state.me.username;
    const who = named({ kind: 'user', name: user.username });
    const status = [];
    if (user.admin) {
      status.push(el('span', { class: 'badge admin' }, 'administrator'));
    }
    if (user.disabled) {
      status.push(' ', el('span', { class: 'badge warn' }, 'disabled'));
    }
    if (!status.length) {
      status.push('active');
    }
    const token = user.token
      ? 'created ' + when(user.token.created_at) + (user.token.expires_at ? ', expires ' + when(user.token.expires_at) : ', never expires')
      : 'none';
    const actions = [
      button('Grants', () => act(null, () => showDetail('user', user.username)), { class: 'small', label: 'Grants and rules of ' + user.username }),
      button('Check access', () => {
        setCheck(user.username);
        $('check-name').focus();
        clearStatus();
        say('Checking access for ' + who + ': choose a resource.', 'info');
      }, { class: 'small', label: 'Check access of ' + user.username }),
      button(user.token ? 'Rotate token' : 'Create token', (event) => act(event.currentTarget, async () => {
        const issued = await call('POST', 'users/token', { expires_at: expiryOf($('users-expiry')) }, { name: user.username });
        showToken($('users-token'), issued, 'user-token');
        say('New token for ' + who + '; any previous one no longer works. Hand it over safely: it is shown once.');
        await refreshUsers();
        if (self) {
          await loadMe();
        }
      }), { class: 'small', label: (user.token ? 'Rotate the token of ' : 'Create a token for ') + user.username }),
    ];
    if (user.token) {
      actions.push(button('Delete token', (event) => act(event.currentTarget, async () => {
        await call('DELETE', 'users/token', undefined, { name: user.username });
        say('Deleted the token of ' + who + '.');
        await refreshUsers();
        if (self) {
          await loadMe();
        }
      }), { class: 'small danger', label: 'Delete the token of ' + user.username }));
    }
    if (!self) {
      actions.push(button('Sign out everywhere', (event) => act(event.currentTarget, async () => {
        const ended = await call('DELETE', 'users/' + seg(user.username) + '/sessions');
        say('Signed ' + who + ' out of ' + ended.sessions_ended + ' session(s).');
        // Their access token was deleted too: the table shows it gone.
        await refreshUsers();
      }), { class: 'small danger', label: 'Sign ' + user.username + ' out everywhere' }));
      actions.push(button(user.disabled ? 'Enable' : 'Disable', (event) => act(event.currentTarget, async () => {
        await call('PATCH', 'users', { disabled: !user.disabled }, { name: user.username });
        say((user.disabled ? 'Enabled ' : 'Disabled ') + who + '.');
        await changed();
      }), { class: 'small' + (user.disabled ? '' : ' danger'), label: (user.disabled ? 'Enable ' : 'Disable ') + user.username }));
    }
    if (user.identity) {
      // The user is bound to the issuer and subject of their first login; unbinding lets the next login bind again.
      actions.push(button('Unbind sign-in', (event) => act(event.currentTarget, async () => {
        await call('DELETE', 'users/' + seg(user.username) + '/identity');
        say('Unbound ' + who + ' from ' + user.identity.issuer + ': their next sign-in binds them again.');
        await refreshUsers();
      }), { class: 'small', label: 'Unbind ' + user.username + ' from the sign-in at ' + user.identity.issuer }));
    }
    const name = [user.username];
    if (user.display_name && user.display_name !== user.username) {
      name.push(el('br'), el('small', {}, user.display_name));
    }
    return el('tr', { data: { username: user.username } },
      el('td', {}, name), el('td', {}, user.groups.join(', ') || 'none'), el('td', {}, status),
      el('td', {}, when(user.last_login)), el('td', {}, token), el('td', {}, el('div', { class: 'actions' }, actions)));
  }

  async function refreshGroups() {
    const data = await call('GET', 'groups', undefined, { limit: Math.min(1000, Math.max(PAGE, state.groupsShown)) });
    state.groups = data.groups;
    state.groupsNext = cursorOf(data);
    renderGroups();
  }

  async function moreGroups() {
    const data = await call('GET', 'groups', undefined, { limit: PAGE, cursor: state.groupsNext });
    state.groups = state.groups.concat(data.groups);
    state.groupsNext = cursorOf(data);
    renderGroups();
  }

  function renderGroups() {
    state.groupsShown = state.groups.length;
    $('groups-more').hidden = !state.groupsNext;
    $('known-groups').replaceChildren(...state.groups.map((group) => el('option', { value: group.name })));
    $('groups-table').tBodies[0].replaceChildren(...state.groups.map((group) => el('tr', { data: { group: group.name } },
      el('td', {}, group.name), el('td', {}, group.admin ? 'yes' : 'no'), el('td', {}, String(group.member_count)),
      el('td', {}, button('Grants', () => act(null, () => showDetail('group', group.name)),
        { class: 'small', label: 'Grants, rules and members of group ' + group.name })))));
    labelCells($('groups-table'));
    $('groups-table').hidden = state.groups.length === 0;
    $('groups-empty').hidden = state.groups.length !== 0;
  }

  async function showDetail(kind, name) {
    state.detail = { kind, name };
    await refreshDetail();
    $('detail').focus();
  }

  async function refreshDetail() {
    const detail = state.detail;
    if (!detail) {
      return;
    }
    let data;
    try {
      data = await call('GET', detail.kind === 'user' ? 'users' : 'groups', undefined, { name: detail.name });
    } catch (error) {
      if (error.status === 404) {
        state.detail = null;
        $('detail').hidden = true;
        return;
      }
      throw error;
    }
    $('detail-heading').textContent = 'Grants and rules of ' + named(detail);
    const parts = [];
    if (detail.kind === 'group') {
      parts.push(el('h3', {}, 'Members'), el('p', {}, data.members.length ? data.members.join(', ') : 'No member has signed in yet.'));
    }
    parts.push(el('h3', {}, 'Grants'));
    if (data.grants.length) {
      parts.push(labelCells(el('table', { class: 'stack' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Resource type'), el('th', { scope: 'col' }, 'Resource name'),
          el('th', { scope: 'col' }, 'Level'), el('th', { scope: 'col' }, 'Actions'))),
        el('tbody', {}, data.grants.map((grant) => el('tr', {},
          el('td', {}, grant.resource.type), el('td', {}, grant.resource.name), el('td', {}, grant.level),
          el('td', {}, button('Open', () => act(null, async () => {
            await openGrants(grant.resource.type, grant.resource.name);
            followGrant(grant.grantee, grant.resource);
            await runCheck(true);
            $('grants-heading').scrollIntoView();
            $('grants-name').focus();
          }), { class: 'small', label: 'Open the grants on ' + grant.resource.type + ' ' + grant.resource.name }))))))));
    } else {
      parts.push(el('p', {}, 'No grants.'));
    }
    parts.push(el('h3', {}, 'Rules'));
    if (data.rules.length) {
      parts.push(el('ul', {}, data.rules.map((rule) => el('li', {},
        'priority ' + rule.priority + ': ' + rule.level + ' on ' + rule.type + ' names matching ', el('code', {}, rule.pattern)))));
    } else {
      parts.push(el('p', {}, 'No rules.'));
    }
    parts.push(button('Close', () => {
      state.detail = null;
      $('detail').hidden = true;
      $('users-heading').focus();
    }, { class: 'small' }));
    $('detail-body').replaceChildren(...parts);
    $('detail').hidden = false;
  }

  // ---- start --------------------------------------------------------------------------------------

  async function startAdmin() {
    const admin = $('admin');
    const meta = await call('GET', 'resource-types');
    state.types = meta.resource_types;
    state.levels = meta.levels;
    for (const select of document.querySelectorAll('select.resource-type')) {
      options(select, state.types);
    }
    for (const select of document.querySelectorAll('select.level')) {
      options(select, state.levels, 'READ');
    }
    $('rules-policy').textContent = 'Sources are asked in the order ' + meta.source_order.join(', ')
      + '; when none answers, the default level is ' + meta.default_level + '.';
    if (!state.types.length) {
      $('rules-policy').textContent += ' This application declares no resource types, so there is nothing to grant on.';
    }
    limitExpiry($('users-expiry'));
    $('grants-type').addEventListener('change', () => offerResources('grants-type', 'grants-resources'));
    $('check-type').addEventListener('change', () => offerResources('check-type', 'check-resources'));
    wireCheck();
    wireGrants();
    wireRules();
    wireUsers();
    admin.hidden = false;
    await Promise.all([refreshUsers(), refreshGroups(), refreshRules(), refreshResources()]);
  }

  async function start() {
    wireToken();
    try {
      await loadMe();
    } catch (error) {
      fail(error);
      return;
    }
    if (state.me.admin) {
      try {
        await startAdmin();
      } catch (error) {
        fail(error);
      }
    } else {
      // Not only hidden: a non-administrator's page holds no administration controls at all.
      $('admin').remove();
    }
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
