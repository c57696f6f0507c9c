// #/login: POST /api/v1/login, then back to where the user wanted to go.
import * as api from '../api.js';
import { h } from '../dom.js';

export function render(main, { loggedIn }) {
  const message = h('p', { class: 'login-error', role: 'alert' });
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true, value: 'admin' });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h('form', { class: 'login' },
    h('h1', {}, 'vedetta'),
    h('label', { for: 'login-user' }, 'User'), user,
    h('label', { for: 'login-password' }, 'Password'), password,
    submit, message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = '';
    try {
      const who = await api.post('/login', { user: user.value, password: password.value });
      loggedIn(who);
    } catch (e) {
      if (e.status === 401) message.textContent = 'Wrong user or password.';
      else if (e.status === 429) message.textContent = 'Too many failed logins: wait a little, then try again.';
      else message.textContent = e.message;
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form);
  password.focus();
}
