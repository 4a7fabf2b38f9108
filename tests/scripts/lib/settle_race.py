#!/usr/bin/env python3
"""Kiosks uploading through two collector instances at once while both add the kept counts up
(agg_delta into agg_counts and agg_months, coll_db_agg_settle: every read of the results page).

usage: settle_race.py PORT_A PORT_B COOKIE TOKENS_FILE
TOKENS_FILE: one "NAME TOKEN" per line (the kiosks, at one location). COOKIE: "name=value" of a
signed-in dashboard session (it works on both instances).

Each kiosk sends its batches one after another, batch i through A when i is even, through B
when odd, and every third batch through the other instance too at the same time (the same
responses twice at once: stored once); at the end kiosk 1 sends its first batch again with other
answers (conflicts: not stored). Meanwhile one reader per instance reads the results page over
and over until the last kiosk is done. No sleeps: the readers stop on the kiosks' completion.
Prints "stored N reads R": N responses stored (the acknowledgements), R results pages read
while uploads were under way (started after the first upload began, ended before the last one
ended). Exits non-zero on any refused request or unexpected acknowledgement."""
import json
import sys
import threading
import urllib.request

port_a, port_b, cookie, tokens_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
kiosks = [line.split() for line in open(tokens_file) if line.strip()]
BATCHES, SIZE = 10, 12
ANSWERS = ["schoon", "veilig", "groen"]
LANGS = ["nl", "en", "ar"]
errors = []
stored = [0]
lock = threading.Lock()


def post(port, tok, body):
    req = urllib.request.Request("http://127.0.0.1:%d/v1/responses" % port,
                                 json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + tok,
                                  "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=300) as r:  # a guard against a hang, no budget
        assert r.status == 200, r.status
        return json.loads(r.read())


def item(k, seq, other=False):
    n = k * 1000 + seq
    answers = {"buurt": ANSWERS[(n + other) % 3], "klein": "yes" if n % 2 else "no",
               "cijfer": str(1 + n % 5)}
    status = "complete"
    if n % 7 == 0:  # abandoned after the first question
        status, answers = "abandoned", {"buurt": answers["buurt"]}
    day = 1 + n % 4  # several days and both months: agg_counts and agg_months rows
    month = "02" if n % 3 == 0 else "03"
    return {"id": "00000000-0000-4000-9000-%012d" % n, "seq": seq, "questionset": "deel",
            "questionset_version": 1, "language": LANGS[n % 3],
            "started_at": "2027-%s-%02dT09:%02d:02Z" % (month, 24 + day if month == "02" else day,
                                                       n % 60),
            "finished_at": "2027-%s-%02dT10:00:00Z" % (month, 24 + day if month == "02" else day),
            "duration_ms": 1000 + n, "status": status, "answers": answers}


def send(port, name, tok, batch, expect):
    res = post(port, tok, {"protocol": "wijkpeil-sync/1", "device_id": name,
                           "responses": batch})
    st = [r["status"] for r in res["results"]]
    if any(s not in expect for s in st):
        raise AssertionError("%s: %s, expected %s" % (name, st, expect))
    with lock:
        stored[0] += st.count("stored")


def kiosk(k, name, tok):
    try:
        for i in range(BATCHES):
            batch = [item(k, i * SIZE + j + 1) for j in range(SIZE)]
            ports = [port_a, port_b] if i % 2 == 0 else [port_b, port_a]
            if i % 3 == 0:  # through both at once: one stores, the other finds it held
                twin = threading.Thread(target=lambda: guarded(send, ports[1], name, tok, batch,
                                                               ("stored", "duplicate")))
                twin.start()
                send(ports[0], name, tok, batch, ("stored", "duplicate"))
                twin.join()
            else:
                send(ports[0], name, tok, batch, ("stored",))
        if k == 1:
            send(port_b, name, tok, [item(k, j + 1, other=True) for j in range(SIZE)],
                 ("conflict",))
    except Exception as e:  # noqa: BLE001
        errors.append("%s: %r" % (name, e))


def guarded(fn, *args):
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))


uploading = threading.Event()
done = threading.Event()
reads = [0]


def reader(port):
    while not done.is_set():
        began = uploading.is_set()
        req = urllib.request.Request("http://127.0.0.1:%d/dash/results?set=deel" % port,
                                     headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                body = r.read()
                assert r.status == 200 and b'class="question"' in body, r.status
        except Exception as e:  # noqa: BLE001
            errors.append("results page on %d: %r" % (port, e))
            return
        if began and not done.is_set():
            with lock:
                reads[0] += 1


readers = [threading.Thread(target=reader, args=(p,)) for p in (port_a, port_b)]
for t in readers:
    t.start()
threads = [threading.Thread(target=kiosk, args=(k + 1, n, t)) for k, (n, t) in enumerate(kiosks)]
uploading.set()
for t in threads:
    t.start()
for t in threads:
    t.join()
done.set()
for t in readers:
    t.join()
if errors:
    sys.exit("failed: %s" % errors[:5])
print("stored %d reads %d" % (stored[0], reads[0]))
