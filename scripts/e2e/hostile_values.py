#!/usr/bin/env python3
"""The hostile-values corpus, and a run of it against a live `tenure serve`.

Every request here is one that anyone holding the public write key (shipped in a web page) can send.
The run posts the corpus through the Segment and PostHog routes, then signs in and requests every
dashboard page (following every internal link) and every GET route the server lists, with default,
explicit and absurd ranges, and the pages of the hostile customers. It fails if any response is a
5xx, if the server stops answering, or if a refused record is not named in its 400 body.

  hostile_values.py run BASE_URL WRITE_KEY ADMIN_KEY ROUTES_FILE [MAX_PAGES]   (ROUTES_FILE: "METHOD PATH" lines)
  hostile_values.py files JSONL_PATH CSV_PATH                      (the corpus as import files)

The corpus is kept here, in the repository, so that any new page or report runs it too (the
routes come from the server's own router).
"""
import gzip
import http.client
import json
import re
import sys
import urllib.parse
import zlib

HOSTILE_USER = "hostile-1"
failures = []
requests_made = 0


def fail(message):
    failures.append(message)
    print("FAIL:", message, file=sys.stderr)


# ---------------------------------------------------------------- the corpus

# Values a number field may hold, as raw JSON text (not all of them are JSON), and whether the
# value policy must refuse them (None: not valid JSON, the request is refused whole).
NUMBER_TEXTS = [
    ("1e19", True),
    ("-1e19", True),
    ("1e308", True),
    ("-1e308", True),
    ("-0.0", False),
    ("0", False),
    ("12.5", False),
    ("1" + "0" * 399, None),          # a 400-digit integer: beyond a double
    ("0." + "0" * 398 + "1", False),  # 400 digits that round to 0
    ("NaN", None),
    ("Infinity", None),
    ("-Infinity", None),
    ("1e400", None),
    ('"abc"', True),
    ('"NaN"', True),
    ('"Infinity"', True),
    ('"1e400"', True),
    ('"1e19"', True),
    ('"12.50"', False),
    ("true", True),
    ("[1]", True),
    ('{"a":1}', True),
    ("-5", True),                     # negative revenue on a sale
]

TIMESTAMPS = [
    ('"1970-01-01T00:00:00Z"', True),
    ('"1989-12-31T23:59:59Z"', True),
    ('"9999-12-31T23:59:59Z"', True),
    ('"2200-01-01T00:00:00Z"', True),
    ('"not a date"', True),
    ('"0000-00-00T00:00:00Z"', True),
    ("1e19", True),
    ('"2026-02-30T00:00:00Z"', True),
]


def order(i, total_text, field="total", timestamp_text=None, user=HOSTILE_USER):
    ts = f',"timestamp":{timestamp_text}' if timestamp_text else ""
    return (f'{{"type":"track","userId":"{user}","event":"Order Completed","messageId":"h-{i}"{ts},'
            f'"properties":{{"order_id":"o-{i}","{field}":{total_text},"currency":"USD"}}}}')


def segment_cases():
    """(name, path, body bytes, headers, expectation). Expectation: 'ok', 'refused' (the record is
    refused by the value policy: a 400 naming `field`), 'invalid' (the request is refused whole: a
    4xx with a code), or a number (that exact status)."""
    cases = []
    n = 0
    for field in ["total", "revenue", "discount"]:
        for text, refused in NUMBER_TEXTS:
            n += 1
            body = order(n, text, field=field).encode()
            want = "invalid" if refused is None else ("refused:properties." + field if refused else "ok")
            cases.append((f"track {field}={text[:20]}", "/v1/track", body, {}, want))
    for text, refused in NUMBER_TEXTS:
        n += 1
        body = (f'{{"type":"track","userId":"{HOSTILE_USER}","event":"Order Completed","messageId":"h-{n}",'
                f'"properties":{{"order_id":"o-{n}","products":[{{"product_id":"p","price":{text},"quantity":1}}]}}}}').encode()
        want = "invalid" if refused is None else ("refused:properties.products[0].price" if refused else "ok")
        cases.append((f"product price={text[:20]}", "/v1/track", body, {}, want))
    for text, refused in [("1e10", True), ("-1", True), ("3", False), ('"x"', True)]:
        n += 1
        body = (f'{{"type":"track","userId":"{HOSTILE_USER}","event":"Order Completed","messageId":"h-{n}",'
                f'"properties":{{"order_id":"o-{n}","products":[{{"product_id":"p","price":2,"quantity":{text}}}]}}}}').encode()
        cases.append((f"quantity={text}", "/v1/track", body, {}, "refused:properties.products[0].quantity" if refused else "ok"))
    # Price × quantity within bounds one by one, beyond them together.
    n += 1
    body = (f'{{"type":"track","userId":"{HOSTILE_USER}","event":"Order Completed","messageId":"h-{n}",'
            f'"properties":{{"order_id":"o-{n}","products":[{{"price":1e12,"quantity":1e9}}]}}}}').encode()
    cases.append(("price x quantity", "/v1/track", body, {}, "refused:properties.products"))
    # A refund may be negative, and reduces revenue.
    n += 1
    cases.append(("refund", "/v1/track",
                  f'{{"userId":"{HOSTILE_USER}","event":"Order Refunded","messageId":"h-{n}","properties":{{"order_id":"o-1","total":-5}}}}'.encode(),
                  {}, "ok"))
    for text, refused in TIMESTAMPS:
        n += 1
        cases.append((f"timestamp {text[:24]}", "/v1/track",
                      order(n, "10", timestamp_text=text).encode(), {}, "refused:timestamp"))
    # Subscription amounts and a plain event's revenue.
    n += 1
    cases.append(("subscription amount 1e19", "/v1/track",
                  f'{{"userId":"{HOSTILE_USER}","event":"Subscription Started","messageId":"h-{n}","properties":{{"amount":1e19}}}}'.encode(),
                  {}, "refused:properties.amount"))
    n += 1
    cases.append(("event revenue 1e308", "/v1/track",
                  f'{{"userId":"{HOSTILE_USER}","event":"Upgraded","messageId":"h-{n}","properties":{{"revenue":1e308}}}}'.encode(),
                  {}, "refused:properties.revenue"))
    # Duplicate keys: the last one counts, and it is refused.
    n += 1
    cases.append(("duplicate keys", "/v1/track",
                  f'{{"userId":"{HOSTILE_USER}","event":"Order Completed","messageId":"h-{n}","properties":{{"total":1,"total":1e19}}}}'.encode(),
                  {}, "refused:properties.total"))
    # Wrong types and shapes.
    cases.append(("event is a number", "/v1/track", b'{"userId":"u","event":5}', {}, 400))
    cases.append(("event missing", "/v1/track", b'{"userId":"u"}', {}, 400))
    cases.append(("userId is an object", "/v1/track", b'{"userId":{"a":1},"event":"x"}', {}, 400))
    cases.append(("properties is a string", "/v1/track", b'{"userId":"u","event":"x","properties":"p"}', {}, 400))
    cases.append(("traits is an array", "/v1/identify", b'{"userId":"u","traits":[1,2]}', {}, 400))
    # Huge, deep and broken text.
    cases.append(("10 MB string", "/v1/track",
                  b'{"userId":"u","event":"x","properties":{"s":"' + b"a" * 10_000_000 + b'"}}', {}, 413))
    cases.append(("30 KB string", "/v1/track",
                  b'{"userId":"u","event":"x","messageId":"h-30k","properties":{"s":"' + b"a" * 30_000 + b'"}}', {}, "ok"))
    cases.append(("40 KB event", "/v1/track",
                  b'{"userId":"u","event":"x","properties":{"s":"' + b"a" * 40_000 + b'"}}', {}, 400))
    cases.append(("deep nesting", "/v1/track",
                  b'{"userId":"u","event":"x","properties":{"d":' + b"[" * 100_000 + b"]" * 100_000 + b"}}", {}, "invalid"))
    cases.append(("deep objects", "/v1/track",
                  b'{"userId":"u","event":"x","properties":' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}", {}, "invalid"))
    cases.append(("invalid UTF-8", "/v1/track", b'{"userId":"u","event":"\xff\xfe\xc0\xaf"}', {}, "invalid"))
    cases.append(("invalid UTF-8 in a property", "/v1/track", b'{"userId":"u","event":"x","properties":{"a":"\xed\xa0\x80"}}', {}, "invalid"))
    cases.append(("lone surrogate", "/v1/track", b'{"userId":"u","event":"x\\ud800y"}', {}, "invalid"))
    cases.append(("lone low surrogate", "/v1/track", b'{"userId":"u\\udc00","event":"x","messageId":"h-low"}', {}, "any"))
    cases.append(("NUL in id", "/v1/track", b'{"userId":"u\\u0000v","event":"x","messageId":"h-nul"}', {}, "ok"))
    cases.append(("truncated JSON", "/v1/batch", b'{"batch":[{"userId":"u","event":"x"', {}, "invalid"))
    cases.append(("empty body", "/v1/track", b"", {}, "invalid"))
    cases.append(("not an object", "/v1/track", b"[1,2,3]", {}, "invalid"))
    cases.append(("batch of 2,501", "/v1/batch",
                  b'{"batch":[' + b",".join([b'{"type":"track","userId":"u","event":"x"}'] * 2501) + b"]}", {}, "invalid"))
    # Compression.
    good = b'{"batch":[{"type":"track","userId":"u","event":"gz","messageId":"h-gz"}]}'
    packed = gzip.compress(good)
    cases.append(("gzip", "/v1/batch", packed, {"Content-Encoding": "gzip"}, "ok"))
    cases.append(("truncated gzip (CRC cut)", "/v1/batch",
                  gzip.compress(b'{"batch":[{"type":"track","userId":"u","event":"gz","messageId":"h-gz-cut"}]}')[:-6],
                  {"Content-Encoding": "gzip"}, "invalid_body"))
    cases.append(("gzip bomb", "/v1/batch", gzip.compress(b" " * 50_000_000, 9), {"Content-Encoding": "gzip"}, 413))
    cases.append(("deflate bomb", "/v1/batch", zlib.compress(b"[" * 20_000_000, 9), {"Content-Encoding": "deflate"}, 413))
    cases.append(("br", "/v1/batch", good, {"Content-Encoding": "br"}, 415))
    cases.append(("garbage gzip", "/v1/batch", b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}, "invalid_body"))
    return cases


def mixed_batch():
    """A batch of good and refused records: the good ones are stored, the others listed."""
    items, bad = [], []
    for i in range(20):
        text = ["12.5", "1e19", "-3", '"NaN"', "7"][i % 5]
        if text in ("1e19", "-3", '"NaN"'):
            bad.append(i)
        items.append(order(1000 + i, text, user=f"{HOSTILE_USER}-batch"))
    items.append('{"type":"track","userId":"hostile-2","event":"Session Started","timestamp":"1970-01-01T00:00:00Z","messageId":"h-1970"}')
    bad.append(20)
    return ('{"batch":[' + ",".join(items) + "]}").encode(), bad, len(items) - len(bad)


def posthog_cases():
    cases = []
    for i, (text, refused) in enumerate(NUMBER_TEXTS):
        body = (f'{{"api_key":"KEY","batch":[{{"event":"Order Completed","distinct_id":"{HOSTILE_USER}-ph",'
                f'"uuid":"ph-{i}","properties":{{"order_id":"ph-{i}","revenue":{text}}}}}]}}').encode()
        want = "invalid" if refused is None else ("refused:properties.revenue" if refused else "ok")
        cases.append((f"posthog revenue={text[:20]}", "/batch/", body, {}, want))
    for i, (text, _) in enumerate(TIMESTAMPS):
        body = (f'{{"api_key":"KEY","event":"$pageview","distinct_id":"{HOSTILE_USER}-ph","uuid":"pht-{i}",'
                f'"timestamp":{text},"properties":{{"$current_url":"/"}}}}').encode()
        cases.append((f"posthog timestamp {text[:24]}", "/capture/", body, {}, "refused:timestamp"))
    cases.append(("posthog event is a number", "/capture/", b'{"api_key":"KEY","event":5,"distinct_id":"u"}', {}, 400))
    cases.append(("posthog $set with 1e308", "/capture/",
                  b'{"api_key":"KEY","event":"$identify","distinct_id":"hostile-ph-2","properties":{"$set":{"score":1e308,"name":"\\u00e9"}}}',
                  {}, "ok"))
    cases.append(("posthog gzip truncated", "/batch/",
                  gzip.compress(b'{"api_key":"KEY","batch":[{"event":"x","distinct_id":"u","uuid":"ph-cut"}]}')[:-3],
                  {"Content-Encoding": "gzip"}, "invalid_body"))
    cases.append(("posthog br", "/batch/", b"{}", {"Content-Encoding": "br"}, 415))
    return cases


# ---------------------------------------------------------------- HTTP

class Client:
    def __init__(self, base):
        url = urllib.parse.urlparse(base)
        self.host, self.port = url.hostname, url.port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        global requests_made
        requests_made += 1
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            try:
                connection.request(method, path, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # a server may answer (413) and close before a large body is all sent
            response = connection.getresponse()
            data = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";")[0]
            return response.status, data, dict(response.getheaders())
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            return 0, str(error).encode(), {}
        finally:
            connection.close()


def basic(key):
    import base64
    return "Basic " + base64.b64encode((key + ":").encode()).decode()


def check_ingest(client, name, path, body, headers, want, auth):
    headers = dict(headers)
    headers.setdefault("Content-Type", "application/json")
    headers["Authorization"] = auth
    body = body.replace(b'"api_key":"KEY"', b'"api_key":"' + auth_key.encode() + b'"')
    status, data, _ = client.request("POST", path, body=body, headers=headers)
    text = data.decode("utf-8", "replace")
    if status == 0 or status >= 500:
        fail(f"{name}: {path} answered {status}: {text[:300]}")
        return
    if want == "any" and status == 200:
        return
    if want == "ok":
        if status != 200:
            fail(f"{name}: expected 200, got {status}: {text[:300]}")
        return
    if isinstance(want, int):
        if status != want:
            fail(f"{name}: expected {want}, got {status}: {text[:300]}")
    elif want == "invalid" and not 400 <= status < 500:
        fail(f"{name}: expected a 4xx, got {status}")
    elif want == "invalid_body" and (status != 400 or '"invalid_body"' not in text):
        fail(f"{name}: expected 400 invalid_body, got {status}: {text[:300]}")
    if status >= 400:
        try:
            error = json.loads(data)
        except ValueError:
            fail(f"{name}: the {status} body is not JSON: {text[:200]}")
            return
        if not error.get("code") or not error.get("message"):
            fail(f"{name}: the {status} body names no code and message: {text[:200]}")
        if isinstance(want, str) and want.startswith("refused:"):
            field = want.split(":", 1)[1]
            if status != 400:
                fail(f"{name}: expected 400 refusing {field}, got {status}: {text[:300]}")
            elif error.get("field") != field:
                fail(f"{name}: the 400 does not name {field}: {text[:300]}")
            elif "rejected" in error and not any(r.get("field") == field for r in error["rejected"]):
                fail(f"{name}: the 400's rejected list does not name {field}: {text[:300]}")


def run(base, write_key, admin_key, routes_file, max_pages="1500"):
    global auth_key
    auth_key = write_key
    client = Client(base)
    auth = basic(write_key)
    for case in segment_cases() + posthog_cases():
        check_ingest(client, *case, auth=auth)

    body, bad, good = mixed_batch()
    status, data, _ = client.request("POST", "/v1/batch", body=body, headers={"Authorization": auth, "Content-Type": "application/json"})
    try:
        answer = json.loads(data)
    except ValueError:
        answer = {}
    named = sorted(r.get("index") for r in answer.get("rejected") or [])
    if status != 400 or named != bad or answer.get("stored", 0) + answer.get("duplicates", 0) != good:
        fail(f"mixed batch: expected 400 naming {bad} with {good} stored, got {status}: {data[:400]!r}")

    # A wrong admin key is told to send an admin key.
    status, data, _ = client.request("GET", "/api/v1/summary", headers={"Authorization": "Bearer wrong"})
    if status != 401 or b"admin key" not in data:
        fail(f"wrong admin key: {status} {data[:200]!r}")

    crawl(client, admin_key, routes_file, int(max_pages))
    status, _, _ = client.request("GET", "/health")
    if status != 200:
        fail(f"the server stopped answering (/health: {status})")
    print(json.dumps({"requests": requests_made, "failures": len(failures)}))
    return 1 if failures else 0


def sign_in(client, admin_key):
    status, data, _ = client.request("GET", "/login")
    match = re.search(rb'name="csrf" value="([^"]+)"', data)
    if not match:
        fail(f"no sign-in form ({status})")
        return
    form = urllib.parse.urlencode({"key": admin_key, "csrf": match.group(1).decode(), "next": "/"})
    status, data, _ = client.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status not in (302, 303):
        fail(f"sign-in failed: {status} {data[:200]!r}")


RANGES = ["", "unit=day", "unit=week", "unit=quarter", "from=1970-01-01&through=2026-12-31",
          "from=1900-01-01&through=2200-01-01", "from=2026-01-01&through=2025-01-01", "from=9999-01-01",
          "through=1900-01-02", "unit=day&from=1990-01-01&through=2026-12-31", "from=garbage"]
HOSTILE_IDS = [HOSTILE_USER, f"{HOSTILE_USER}-batch", "hostile-2", f"{HOSTILE_USER}-ph", "hostile-ph-2", "legacy-1", "legacy-2",
               "legacy-3", "legacy-old", "no-such-customer"]


def crawl(client, admin_key, routes_file, max_pages):
    sign_in(client, admin_key)
    api = {"Authorization": "Bearer " + admin_key}
    routes = [line.split(" ", 1) for line in open(routes_file).read().splitlines() if line.strip()]
    targets = []
    for method, path in routes:
        if method != "GET" or path in ("/login",):
            continue
        if re.search(r"/:[A-Za-z]+", path):
            targets += [re.sub(r":[A-Za-z]+", urllib.parse.quote(i, safe=""), path) for i in HOSTILE_IDS]
        elif path.startswith("/api/"):
            targets += [path + ("?" + r if r else "") for r in RANGES]
            if path.endswith("/movement"):
                targets += [path + "?from=1970-01-01&to=2026-12-01", path + "?from=2026-01-01&to=2026-02-01"]
        else:
            targets.append(path)
    targets += ["/customer?id=" + urllib.parse.quote(i) for i in HOSTILE_IDS]
    targets += ["/customers?q=" + urllib.parse.quote(q) for q in ["hostile", "\u00e9", "%", "a" * 600, "\"", "*"]]
    targets += ["/retention?" + r for r in RANGES] + ["/segments?from=1970-01-01&to=2026-12-01", "/segments?from=x&to=y"]
    seen, queue = set(), list(targets)
    while queue and len(seen) < max_pages:
        target = queue.pop(0)
        if target in seen:
            continue
        seen.add(target)
        headers = api if target.startswith("/api/") else {}
        status, data, response_headers = client.request("GET", target, headers=headers)
        if status == 0 or status >= 500:
            fail(f"GET {target[:200]}: {status} {data[:300]!r}")
            continue
        if target.startswith("/api/") and status >= 400:
            try:
                error = json.loads(data)
                if not error.get("message"):
                    fail(f"GET {target}: a {status} without a message")
            except ValueError:
                fail(f"GET {target}: a {status} whose body is not JSON")
        if "text/html" in response_headers.get("Content-Type", ""):
            # A link's own page may say 404 (an unsubscribe link with a forged or cut token).
            if status >= 400 and "?" not in target and target != "/customer" and not target.startswith("/u/"):
                fail(f"GET {target}: the dashboard's own default answered {status}")
            for link in re.findall(rb'href="(/[^"#]*)"', data):
                link = link.decode("utf-8", "replace").replace("&amp;", "&")
                if link.startswith("/assets") or link.startswith("/logout") or link in seen:
                    continue
                queue.append(link)
    print(f"requested {len(seen)} pages and reports", file=sys.stderr)


# ---------------------------------------------------------------- import files

def files(jsonl_path, csv_path):
    """The corpus as a JSONL file (one record a line, hostile ones among good ones) and a CSV of
    transactions, for `tenure import`. Prints the 1-based lines that must be refused, as JSON."""
    lines, refused = [], []
    for name, path, body, headers, want in segment_cases():
        # Imports take records over 32 KB (that limit is the HTTP door's), so those stay out.
        if want == "any" or headers or not body.startswith(b"{") or len(body) > 32_000 or b"\n" in body:
            continue
        lines.append(body)
        if want != "ok":
            refused.append(len(lines))
    with open(jsonl_path, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    rows, csv_refused = ["customer,date,amount"], []
    values = ["12.5", "1e19", "-1e19", "1e308", "-0.0", "NaN", "Infinity", "abc", "1" + "0" * 399, "", "7", "-5", "0.5"]
    dates = ["2025-03-01", "1970-01-01", "9999-12-31", "not a date", "2025-02-30", "2026-01-15", "1989-12-31"]
    for i, value in enumerate(values):
        rows.append(f"c-{i},2025-06-0{1 + i % 9},{value}")
        if value not in ("12.5", "-0.0", "7", "0.5"):
            csv_refused.append(len(rows))
    for i, date in enumerate(dates):
        rows.append(f"d-{i},{date},10")
        if date not in ("2025-03-01", "2026-01-15"):
            csv_refused.append(len(rows))
    with open(csv_path, "w") as f:
        f.write("\n".join(rows) + "\n")
    print(json.dumps({"jsonl": {"records": len(lines), "refused": refused}, "csv": {"records": len(rows) - 1, "refused": csv_refused}}))


if __name__ == "__main__":
    if len(sys.argv) in (6, 7) and sys.argv[1] == "run":
        sys.exit(run(*sys.argv[2:]))
    if len(sys.argv) == 4 and sys.argv[1] == "files":
        files(*sys.argv[2:])
        sys.exit(0)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
