// The start page: each role lands where its daily work is.
import * as session from '../session.js';
import { navigate } from '../main.js';

export function render() {
  const me = session.current();
  navigate(me && me.role === 'department' ? '/tables' : '/residents', { replace: true });
  return document.createComment('redirect');
}
