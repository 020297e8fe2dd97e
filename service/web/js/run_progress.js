// Progress of a long task the server runs: rows so far and time elapsed while it goes on, a
// 取消 button, and a summary (or the server's Chinese error) when it ends. Used for connector
// runs (GET /api/v1/runs/{id}) and table downloads.
import { h, clear } from './dom.js';

function elapsedText(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} 秒` : `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
}

// progressPanel({id, onCancel}) → {el, update(text), done(kind, ...nodes), started}. The panel
// ticks its elapsed time every second until done() is called.
export function progressPanel({ id, onCancel } = {}) {
  const text = h('span.progress-text');
  const time = h('span.progress-time');
  const cancel = onCancel ? h('button.progress-cancel', {
    type: 'button',
    onclick: async () => { cancel.disabled = true; cancel.textContent = '正在取消…'; await onCancel(); },
  }, '取消') : null;
  const el = h('div.progress-panel', { id, role: 'status', 'aria-live': 'polite' },
    h('span.spinner', { 'aria-hidden': 'true' }), text, ' · 已用时 ', time, cancel);
  const started = Date.now();
  const tick = () => { time.textContent = elapsedText(Date.now() - started); };
  tick();
  const timer = setInterval(tick, 1000);
  return {
    el,
    started,
    update(t) { text.textContent = t; },
    // Ends the panel: kind 'ok' | 'error' | 'warn', with the summary.
    done(kind, ...nodes) {
      clearInterval(timer);
      const took = elapsedText(Date.now() - started);
      clear(el).append(h('div.notice', { class: kind, role: kind === 'error' ? 'alert' : null }, ...nodes, ` （用时 ${took}）`));
      el.classList.add('finished');
    },
  };
}

export { elapsedText };
