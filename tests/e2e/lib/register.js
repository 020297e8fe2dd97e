// Finding fixture rows through the API as an admin: grids, and a person inside a given grid.
export async function grids(admin) {
  const r = await admin.get('/api/v1/grids?limit=500');
  if (r.status !== 200) throw new Error(`GET /grids: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.items;
}

async function first(admin, plural, parentId) {
  const r = await admin.get(`/api/v1/${plural}?parent_id=${parentId}&limit=50`);
  if (r.status !== 200) throw new Error(`GET /${plural}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.items;
}

// The first active person with a name and an ID number under grid `gridId`.
export async function personInGrid(admin, gridId) {
  for (const b of await first(admin, 'buildings', gridId)) {
    for (const hh of await first(admin, 'households', b.id)) {
      for (const p of await first(admin, 'persons', hh.id)) {
        if (p.fields.name && p.fields.id_number && p.status === 'active') return p;
      }
    }
  }
  throw new Error(`no person with an ID number in grid ${gridId}`);
}

// A household under grid `gridId` with a head and at least one other active member:
// {household, building, head, member}.
export async function householdWithMembers(admin, gridId) {
  for (const b of await first(admin, 'buildings', gridId)) {
    for (const hh of await first(admin, 'households', b.id)) {
      const members = (await first(admin, 'persons', hh.id)).filter((p) => p.status === 'active');
      const head = members.find((p) => String(p.id) === String(hh.fields.head_person_id));
      const member = members.find((p) => p !== head && p.fields.name);
      if (head && member) return { household: hh, building: b, head, member };
    }
  }
  throw new Error(`no household with two members in grid ${gridId}`);
}
