// 修改密码: a signed-in person changes their own password (POST /api/v1/me/password). The current
// password is asked for; the new one twice. Every session ends afterwards, this one too: the
// person signs in again with the new password.
import { h } from '../dom.js';
import * as api from '../api.js';
import * as session from '../session.js';

export const title = '修改密码';

// The rule as the server enforces it (GET /me: password_rule), so the page never disagrees.
export function passwordRule() {
  const me = session.current();
  return (me && me.password_rule) || { min_length: 10, text: '' };
}

export function render() {
  const rule = passwordRule();
  const err = h('div.notice.error#password-error', { role: 'alert', hidden: true });
  const old = h('input#password-old', { type: 'password', autocomplete: 'current-password', required: true });
  const fresh = h('input#password-new', { type: 'password', autocomplete: 'new-password', required: true, minlength: rule.min_length, 'aria-describedby': 'password-rule' });
  const again = h('input#password-again', { type: 'password', autocomplete: 'new-password', required: true });
  const button = h('button.primary#password-submit', { type: 'submit' }, '修改密码');
  const show = (message) => {
    err.textContent = message;
    err.hidden = false;
  };
  const form = h('form.card', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      if (fresh.value !== again.value) {
        show('两次输入的新密码不一致');
        again.select();
        return;
      }
      button.disabled = true;
      try {
        await api.post('/api/v1/me/password', { old_password: old.value, new_password: fresh.value });
        session.expired('密码已修改，请用新密码重新登录');
      } catch (e) {
        const detail = e.details || [];
        show(detail.length ? detail.map((d) => d.message).join('；') : e.message);
      } finally {
        button.disabled = false;
      }
    },
  },
  err,
  h('div.field', h('label', { for: 'password-old' }, '当前密码'), old),
  h('div.field', h('label', { for: 'password-new' }, '新密码'), fresh),
  h('div.field', h('label', { for: 'password-again' }, '再次输入新密码'), again),
  h('p.muted.small#password-rule', `新密码要求：${rule.text}。修改后需要重新登录。`),
  button);
  return h('div', h('h1', '修改密码'), form);
}
