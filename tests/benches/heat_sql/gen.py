import sqlite3, datetime as dt, random, sys
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
K = 10
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=OFF")
now = dt.datetime(2026, 12, 2, 0, 30, tzinfo=dt.timezone.utc)
def ts(t): return t.isoformat(timespec='microseconds')  # 2026-12-02T00:30:00.000000+00:00
start = now - dt.timedelta(weeks=13)
c = db.cursor()
c.execute("INSERT INTO campaigns (id, name, created_at) VALUES (1, 'Mercy', ?)", (ts(start),))
for u in range(1, 7):
    c.execute("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, 'x', ?)", (u, f"u{u}@x", ts(start)))
c.execute("INSERT INTO areas (id, campaign_id, parent_id, name, created_at) VALUES (1, 1, NULL, 'Site', ?)", (ts(start),))
for a in range(2, 22):
    c.execute("INSERT INTO areas (id, campaign_id, parent_id, name, created_at) VALUES (?, 1, 1, ?, ?)", (a, f"Dept {a}", ts(start)))
for s in range(1, 4):
    c.execute("INSERT INTO shifts (id, campaign_id, name, position) VALUES (?, 1, ?, ?)", (s, f"S{s}", s))
rnd = random.Random(7)
cw, asm, pl, cv = [], [], [], []
pid = 0
for i in range(1, N + 1):
    dept = 2 + (i % 20); shift = rnd.choice([1, 1, 2, 2, 3])
    joined = start + dt.timedelta(minutes=rnd.randrange(7 * 1440))
    moved = rnd.random() < 0.01
    first = 2 + ((i + 1) % 20) if moved else dept
    rated = rnd.random() > 0.2
    today = rnd.randint(1, 5) if rated else None
    ratings = []
    if rated:
        span = (11 * 7 * 1440) // (K + 1)
        earlier = today + 1 if today <= 3 else today
        for j in range(K):
            at = joined + dt.timedelta(weeks=1, minutes=span * (j + 1) + rnd.randrange(2 * 1440))
            ratings.append((at, today if j + 1 == K else earlier))
    pid += 1
    pl.append((pid, 1, i, ts(joined), first, shift, 'active', 0))
    placed_at, placement = joined, pid
    if moved:
        mat = joined + dt.timedelta(weeks=2, minutes=rnd.randrange(63 * 1440))
        pid += 1
        pl.append((pid, 1, i, ts(mat), dept, shift, 'active', 0))
        placed_at, placement = mat, pid
    org = 1 + (dept % 6)
    for n, (at, r) in enumerate(ratings):
        asm.append((1, i, r, org, ts(at), 'conversation' if n >= K - 2 else 'observation'))
        if n >= K - 2:
            cv.append((1, i, org, f"seeded-{i}-{n}-xxxx", ts(at), 'in_person', r, ts(at)))
    last_contact = ts(ratings[-1][0]) if ratings else None
    rated_at = ts(ratings[-1][0]) if ratings else None
    cw.append((i, 1, f"Person {i}", dept, shift, f"Title {i % 5}", 'x' if i % 4 == 0 else '', 1 if i % 30 == 0 else 0,
               org if i % 10 < 6 else None, today, ts(joined), ts(now), rated_at, last_contact, placement, ts(placed_at)))
c.executemany("INSERT INTO coworker_placements (id, campaign_id, coworker_id, at, area_id, shift_id, employment_status, archived) VALUES (?,?,?,?,?,?,?,?)", pl)
c.executemany("INSERT INTO coworkers (id, campaign_id, name, area_id, shift_id, job_title, tags, committee_member, assigned_organizer, rating, created_at, updated_at, rated_at, last_contact_at, placement_id, placed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cw)
asm.sort(key=lambda r: r[4])
c.executemany("INSERT INTO assessments (campaign_id, coworker_id, rating, organizer_id, at, source) VALUES (?,?,?,?,?,?)", asm)
c.executemany("INSERT INTO conversations (campaign_id, coworker_id, organizer_id, client_id, at, channel, rating_after, created_at) VALUES (?,?,?,?,?,?,?,?)", cv)
db.commit()
c.execute("ANALYZE")
db.commit()
print(len(cw), len(asm), len(pl), len(cv))
