// The start page: each user lands where its daily work is — the register for those who may read
// it, the accounts for the security administrator, the audit log for the auditor, the tables
// otherwise (departments).
import * as session from '../session.js';
import { navigate } from '../main.js';

export function render() {
  let start = '/tables';
  if (session.may('read_register')) start = '/residents';
  else if (session.may('manage_users')) start = '/admin/users';
  else if (session.may('read_audit')) start = '/admin/audit';
  navigate(start, { replace: true });
  return document.createComment('redirect');
}
