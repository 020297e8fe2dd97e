// 公民身份号码 (GB 11643-1999) on the client: the same rules and messages as the server's
// model/id_number.cc, so a worker sees a wrong check digit while typing. The server validates
// again on save; this only helps.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = '10X98765432';

export function checkCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECKS[sum % 11];
}

function validDate(y, m, d) {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

// Full-width digits and X typed with a Chinese input method count as their ASCII forms.
export function foldWidth(text) {
  return String(text).replace(/[\uFF10-\uFF19\uFF38\uFF58]/g,
    (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/[\s\u3000]/g, '');
}

// parse('42058119800101001X') → {ok: true, normalized, birthDate, gender: '1'|'2', upgraded}
// or {ok: false, code, message}. `today` (YYYY-MM-DD) rejects future birth dates.
export function parse(text, today) {
  const s = foldWidth(text).toUpperCase();
  if (s.length !== 18 && s.length !== 15) {
    return { ok: false, code: 'id_length', message: `身份证号应为18位（旧证15位），实际为${s.length}位` };
  }
  const body = s.length === 18 ? s.slice(0, 17) : s;
  if (!/^\d+$/.test(body) || (s.length === 18 && !/^[0-9X]$/.test(s[17]))) {
    return { ok: false, code: 'id_chars', message: '身份证号只能由数字组成，18位号码的末位可以是X' };
  }
  const first17 = s.length === 18 ? body : s.slice(0, 6) + '19' + s.slice(6, 15);
  const y = Number(first17.slice(6, 10));
  const m = Number(first17.slice(10, 12));
  const d = Number(first17.slice(12, 14));
  if (!validDate(y, m, d)) {
    return { ok: false, code: 'id_birth_date', message: '身份证号中的出生日期（第7–14位）不是有效日期' };
  }
  const birthDate = `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`;
  if (birthDate < '1860-01-01') {
    return { ok: false, code: 'id_birth_date', message: '身份证号中的出生日期早于1860年，请核对' };
  }
  if (today && birthDate > today) {
    return { ok: false, code: 'id_birth_date', message: '身份证号中的出生日期晚于今天，请核对' };
  }
  const check = checkCharacter(first17);
  if (s.length === 18 && s[17] !== check) {
    return { ok: false, code: 'id_checksum', message: `身份证号校验位错误：应为 ${check}` };
  }
  return {
    ok: true,
    normalized: first17 + check,
    birthDate,
    gender: (first17.charCodeAt(16) - 48) % 2 === 1 ? '1' : '2',
    upgraded: s.length === 15,
  };
}

// "420581********1234": enough to recognise a person on screen without showing the number.
export function maskId(id) {
  if (!id || id.length < 10) return id || '';
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}
