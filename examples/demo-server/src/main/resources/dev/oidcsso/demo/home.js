// The demo home page's "New experiment" form: sends JSON to the experiments API with the session's
// CSRF token in the X-OIDC-SSO-CSRF header, as any script of this site would, then reloads the page
// so the list (and what the user may read) comes from the server. Messages are set as text only.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('create-experiment');
  if (!form) {
    return;
  }
  const status = document.getElementById('create-status');
  const submit = document.getElementById('experiment-create');

  function show(message, error) {
    status.className = error ? 'status error' : 'status';
    status.textContent = message;
  }

  function csrfToken() {
    for (const part of document.cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === 'oidc_sso_csrf') {
        return decodeURIComponent(rest.join('='));
      }
    }
    return '';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    const description = form.elements.description.value;
    if (!name) {
      show('Give the experiment a name.', true);
      form.elements.name.focus();
      return;
    }
    show('', false);
    submit.disabled = true;
    try {
      const response = await fetch(form.dataset.api, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-OIDC-SSO-CSRF': csrfToken() },
        body: JSON.stringify(description ? { name, description } : { name }),
        credentials: 'same-origin',
        redirect: 'error',
      });
      if (response.status === 201) {
        window.location.assign(window.location.pathname + '?created=' + encodeURIComponent(name));
        return;
      }
      let message = 'The server answered ' + response.status + '.';
      try {
        const body = await response.json();
        if (body && typeof body.message === 'string') {
          message = body.message;
        }
      } catch (e) {
        // not JSON: keep the status line
      }
      if (response.status === 401) {
        message += ' Your session may have ended: reload the page to sign in again.';
      }
      show(message, true);
    } catch (e) {
      show('The server could not be reached. Check your connection and try again.', true);
    } finally {
      submit.disabled = false;
    }
  });
});
