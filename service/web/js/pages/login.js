// 登录: user name and password. A message left by an ended session is shown once.
import { h } from '../dom.js';
import * as session from '../session.js';
import { navigate } from '../main.js';

export const title = '登录';

export function render() {
  const message = sessionStorage.getItem('onetable.login_message');
  sessionStorage.removeItem('onetable.login_message');
  const err = h('div.notice.error#login-error', { role: 'alert', hidden: !message }, message || '');
  if (message) err.className = 'notice warn';
  const user = h('input#login-user', { name: 'user', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input#login-password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button.primary#login-submit', { type: 'submit' }, '登录');
  const form = h('form.card', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      err.hidden = true;
      try {
        await session.login(user.value.trim(), pass.value);
        const next = sessionStorage.getItem('onetable.after_login') || '/';
        sessionStorage.removeItem('onetable.after_login');
        navigate(next.startsWith('/login') ? '/' : next, { replace: true });
      } catch (e) {
        err.className = 'notice error';
        err.textContent = e.message;
        err.hidden = false;
        pass.select();
      } finally {
        button.disabled = false;
      }
    },
  },
  err,
  h('div.field', h('label', { for: 'login-user' }, '用户名'), user),
  h('div.field', h('label', { for: 'login-password' }, '密码'), pass),
  button);
  setTimeout(() => user.focus(), 0);
  return h('div.login', h('h1', '一张表'), h('div.sub', '社区居民信息登记与报表'), form,
    h('p.muted.small', '多次密码错误后需等待片刻才能再试，等待时间随错误次数增加。无操作 30 分钟后自动退出。'));
}
