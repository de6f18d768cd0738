"""Drives the dashboard's journey pages in headless Chromium.

Usage: python3 journey_pages_browser.py BASE_URL ADMIN_KEY OUTPUT_DIR

Creates a journey under a hostile name through the admin API (a send, a 50/50 split, a wait for
an order with its timeout, a reminder, an exit), lets 40 customers slip into it and some of them
order, then signs in with the admin key, opens the journeys list, follows the journey's link, and
checks that every step's count in the flow (the diagram and the list) equals the JSON API's report
(`GET /api/v1/journeys/NAME/report`), that the treatment-against-control chart's bars exist with
their labels, and that the pause button pauses the journey (the page and the API agree). Saves
screenshots in OUTPUT_DIR. Exits non-zero with a list of failures.
"""
import base64
import json
import os
import sys
import time
import urllib.parse
import urllib.request

import headless_chromium
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

base, admin_key, out_dir = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
os.makedirs(out_dir, exist_ok=True)
failures = []

NAME = 'Win-back <img src=x onerror=alert(1)> "VIP" & co'
RUN = str(int(time.time()))
JOURNEY = {
    "name": NAME, "holdout": 0.5, "trigger": {"event": "Browser Slipping"},
    "goal": {"event": "Order Completed", "within_days": 7},
    "steps": [
        {"id": "offer <b>1</b>", "send": {"channel": "webhook", "template": "<script>alert(2)</script>"}},
        {"id": "split", "split": [{"share": 0.5, "next": "wait for order"}, {"share": 0.5, "next": "thanks"}]},
        {"id": "wait for order", "wait": {"event": "Order Completed", "days": 3, "then": "thanks", "timeout": "reminder"}},
        {"id": "reminder", "send": {"channel": "webhook", "template": "reminder"}},
        {"id": "thanks", "exit": True},
    ],
}
CUSTOMERS = [f"browser-{RUN}-{i}" for i in range(40)]


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def api(method, path, body=None, basic=False):
    headers = {"Content-Type": "application/json"}
    headers["Authorization"] = ("Basic " + base64.b64encode((admin_key + ":").encode()).decode()) if basic else ("Bearer " + admin_key)
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def report():
    return api("GET", "/api/v1/journeys/" + urllib.parse.quote(NAME, safe="") + "/report")


def track(user, event, properties=None):
    return {"type": "track", "userId": user, "event": event, "messageId": f"{event}-{user}", "properties": properties or {}}


def wait_until(condition, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutException(f"{what} did not happen")


# The journey, its customers, and some of their orders (which wake the wait for an order).
api("POST", "/api/v1/journeys", JOURNEY)
api("POST", "/v1/batch", {"batch": [track(user, "Browser Slipping") for user in CUSTOMERS]}, basic=True)
wait_until(lambda: report()["steps"].get("offer <b>1</b>", 0) == len(CUSTOMERS), "every customer entering and reaching the first step")
orders = [track(user, "Order Completed", {"order_id": f"o-{user}", "total": 25}) for user in CUSTOMERS[::3]]
api("POST", "/v1/batch", {"batch": orders}, basic=True)


def settled():
    # Two reads a second apart that agree: the scheduler has done what these events cause.
    first = report()
    time.sleep(1.0)
    second = report()
    done = sum(a["converted"] for a in second["arms"].values()) > 0
    return second if done and first["steps"] == second["steps"] and first["arms"] == second["arms"] else None


truth = wait_until(settled, "the scheduler settling after the orders")
entered = sum(a["entered"] for a in truth["arms"].values())
check(entered == len(CUSTOMERS), f"{entered} entered of {len(CUSTOMERS)}")

driver = headless_chromium.start()


def shot(name, whole=False):
    # The whole page, for pages taller than the window: the window grown to the page's height.
    if whole:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height, 1000), 6000))
    driver.save_screenshot(os.path.join(out_dir, name + ".png"))
    if whole:
        driver.set_window_size(1280, 1000)


def no_alert(where):
    check(not headless_chromium.alert_open(driver), f"an alert ran on {where}")


def console_errors(page):
    for message in headless_chromium.console_errors(driver):
        check(False, f"console error on {page}: {message}")


def title_of(element):
    titles = element.find_elements(By.TAG_NAME, "title")
    return titles[0].get_attribute("textContent") if titles else ""


try:
    driver.get(base + "/login")
    driver.find_element(By.ID, "key").send_keys(admin_key)
    driver.find_element(By.ID, "key").submit()
    wait_until(lambda: "/login" not in driver.current_url, "signing in")

    # The list, reached from the navigation.
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="/journeys"]').click()
    wait_until(lambda: driver.find_elements(By.ID, "journey-table"), "the journeys list")
    no_alert("the list")
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#journey-table tbody tr") if r.get_attribute("data-journey-name") == NAME]
    check(len(rows) == 1, "the journey is listed once, under its name")
    row = rows[0]
    check(row.find_element(By.CSS_SELECTOR, "a.journey-name").text == NAME, "its name is shown as text")
    check(row.find_element(By.CSS_SELECTOR, ".status").text == "Active", "it is listed as active")
    check(row.find_element(By.CSS_SELECTOR, "td.entered").get_attribute("data-value") == str(entered), "the list's entered count is the API's")
    check("Browser Slipping" in row.find_element(By.CSS_SELECTOR, "td.trigger").text, "the trigger is described")
    check(" pp" in row.find_element(By.CSS_SELECTOR, "td.uplift").text, "the conversion uplift is shown in points")
    check(not driver.find_elements(By.CSS_SELECTOR, "main img, main script"), "nothing of the name became markup")
    shot("journeys")
    console_errors("the list")

    # The journey's page, by its link.
    row.find_element(By.CSS_SELECTOR, "a.journey-name").click()
    wait_until(lambda: driver.find_elements(By.ID, "journey-flow"), "the journey's page")
    no_alert("the journey's page")
    check(driver.find_element(By.TAG_NAME, "h1").text == NAME, "the page is titled with the name, as text")
    check(not driver.find_elements(By.CSS_SELECTOR, "main img, main script, main b"), "nothing of the name, step ids or templates became markup")

    # The flow: every step's count as the API reports it, in the list and in the diagram.
    listed = driver.find_elements(By.CSS_SELECTOR, "ol.flow-steps > li.flow-step")
    ids = [li.get_attribute("data-step") for li in listed]
    check(ids == [s["id"] for s in JOURNEY["steps"]], f"every step is listed in order: {ids}")
    for li in listed:
        step = li.get_attribute("data-step")
        check(li.get_attribute("data-reached") == str(truth["steps"].get(step, 0)), f"{step!r}: listed {li.get_attribute('data-reached')} vs API {truth['steps'].get(step, 0)}")
        if "kind-send" in li.get_attribute("class"):
            sent, held = int(li.get_attribute("data-sent")), int(li.get_attribute("data-held-out"))
            check(sent + held == truth["steps"].get(step, 0), f"{step!r}: sent {sent} + held out {held} is the count")
            check(f"sent {sent:,}, held out {held:,}" in li.text, f"{step!r}: sent and held out are shown: {li.text!r}")
    # The wait's timeout is three days away, so its reminder shows 0; the split's other path and the orders lead to thanks.
    check(truth["steps"].get("wait for order", 0) > 0 and truth["steps"].get("thanks", 0) > 0, f"both paths of the split were taken: {truth['steps']}")
    check(truth["steps"].get("reminder", 0) == 0 and "kind-send" in listed[3].get_attribute("class") and "Reached 0" in listed[3].text, "the reminder is listed as not reached yet")
    boxes = driver.find_elements(By.CSS_SELECTOR, "svg.flow g.node[data-step]")
    check(sorted(b.get_attribute("data-step") for b in boxes) == sorted(ids), "every step has a box in the diagram")
    for box in boxes:
        step = box.get_attribute("data-step")
        check(box.get_attribute("data-reached") == str(truth["steps"].get(step, 0)), f"{step!r}: diagram {box.get_attribute('data-reached')} vs API")
    labels = [t.get_attribute("textContent") for t in driver.find_elements(By.CSS_SELECTOR, "svg.flow text.edge-label")]
    for label in ["50%", "event arrived", "timed out"]:
        check(label in labels, f"the path {label!r} is labelled in the diagram: {labels}")
    check(driver.find_element(By.CSS_SELECTOR, "svg.flow g.node.entry").get_attribute("data-entered") == str(entered), "the entry shows how many entered")

    # The treatment-against-control chart: bars for both arms with their titles, whiskers, labels.
    for arm in ["treatment", "control"]:
        bars = driver.find_elements(By.CSS_SELECTOR, f'svg.uplift rect.bar[data-outcome="conversion"][data-arm="{arm}"]')
        check(len(bars) == 1, f"a conversion bar for {arm}")
        if bars:
            check(title_of(bars[0]).startswith(f"Goal conversion, {arm}: "), f"the {arm} bar's title: {title_of(bars[0])!r}")
    categories = [t.get_attribute("textContent") for t in driver.find_elements(By.CSS_SELECTOR, "svg.uplift text.category")]
    check(categories[:4] == ["Goal conversion", "Retained at 30 days", "Retained at 60 days", "Retained at 90 days"], f"the chart's labels: {categories}")
    check(driver.find_elements(By.CSS_SELECTOR, 'svg.uplift g.whisker[data-outcome="conversion"]'), "the conversion uplift has its interval")
    conversion = truth["uplift"]["conversion"]
    bar = driver.find_element(By.CSS_SELECTOR, 'svg.uplift rect.bar[data-arm="treatment"][data-outcome="conversion"]')
    check(abs(float(bar.get_attribute("data-value")) - conversion["treatment"]["value"]) < 1e-9, "the treatment bar is the API's rate")
    shot("journey", whole=True)
    console_errors("the journey's page")

    # On a phone the page does not scroll sideways; a wide flow scrolls inside its own box.
    driver.set_window_size(390, 900)
    driver.refresh()
    wait_until(lambda: driver.find_elements(By.ID, "journey-flow"), "the journey's page on a phone")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 392, f"the journey's page is {width}px wide on a 390px phone")
    shot("journey-phone")
    driver.set_window_size(1280, 1000)
    driver.refresh()
    wait_until(lambda: driver.find_elements(By.ID, "journey-pause"), "the journey's page again")

    # Pausing with the button.
    check(driver.find_element(By.ID, "journey-status").get_attribute("data-status") == "active", "the journey starts active")
    driver.find_element(By.ID, "journey-pause").click()
    wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, '#journey-status[data-status="paused"]'), "the page showing the journey paused")
    check(driver.find_element(By.ID, "journey-status").text == "Paused", "the status reads Paused")
    check(driver.find_elements(By.ID, "journey-resume") and not driver.find_elements(By.ID, "journey-pause"), "the page offers to resume")
    check(report()["journey"]["status"] == "paused", "the API reports it paused")
    shot("journey-paused")
    driver.find_element(By.CSS_SELECTOR, 'nav a[href="/journeys"]').click()
    wait_until(lambda: driver.find_elements(By.ID, "journey-table"), "the journeys list again")
    paused = [r for r in driver.find_elements(By.CSS_SELECTOR, "#journey-table tbody tr") if r.get_attribute("data-journey-name") == NAME]
    check(paused and paused[0].get_attribute("data-status") == "paused", "the list shows it paused")
    console_errors("after pausing")
finally:
    driver.quit()

if failures:
    print(f"{len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("journey pages browser checks passed; screenshots in", out_dir)
