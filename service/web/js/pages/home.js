// The start page: each user lands where its daily work is — the register for those who may read
// it, the tables otherwise (departments).
import * as session from '../session.js';
import { navigate } from '../main.js';

export function render() {
  navigate(session.may('read_register') ? '/residents' : '/tables', { replace: true });
  return document.createComment('redirect');
}
