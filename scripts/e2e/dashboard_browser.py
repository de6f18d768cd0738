"""Drives the Tenure dashboard in headless Chromium, the way a person would.

Usage: python3 dashboard_browser.py BASE_URL ADMIN_KEY OUTPUT_DIR

Signs in with the admin key, visits every page, checks that the key numbers shown equal the JSON
API's, that the browser console has no errors, that hostile search strings come back escaped, and
that the overview fits a 375-pixel phone screen. Saves a screenshot of each page in OUTPUT_DIR.
Exits non-zero with a list of failures.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import headless_chromium
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, admin_key, out_dir = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
os.makedirs(out_dir, exist_ok=True)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, file=sys.stderr)


def api(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + admin_key})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def status(path, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers or {}), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# Without signing in: 401 and the sign-in form, never data — pages and API alike.
for path in ["/", "/at-risk", "/customer?id=c1", "/at-risk.csv"]:
    code, body = status(path)
    check(code == 401 and 'action="/login"' in body and "data-kpi" not in body, f"{path} without a session: {code}")
code, _ = status("/api/v1/summary")
check(code == 401, f"/api/v1/summary without a key: {code}")
code, _ = status("/", {"Cookie": "tenure_session=" + "0" * 64})
check(code == 401, f"/ with a forged session: {code}")

driver = headless_chromium.start()


def console_errors(page):
    for message in headless_chromium.console_errors(driver):
        check(False, f"console error on {page}: {message}")


def shot(name):
    driver.save_screenshot(os.path.join(out_dir, name + ".png"))


def wait_for(css, seconds=90):
    """Waits for an element; pages still training a model reload themselves, others are reloaded."""
    deadline = time.time() + seconds
    reloaded = time.time()
    while time.time() < deadline:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found[0]
        time.sleep(0.5)
        if time.time() - reloaded > 5 and not driver.find_elements(By.CSS_SELECTOR, "meta[http-equiv=refresh]"):
            driver.refresh()
            reloaded = time.time()
    raise TimeoutException(f"{css} did not appear on {driver.current_url}")


def kpi(key):
    element = driver.find_element(By.CSS_SELECTOR, f'[data-kpi="{key}"]')
    return float(element.get_attribute("data-value")), element.text


try:
    # Sign in with a wrong key first: refused, no data.
    driver.get(base + "/login")
    driver.find_element(By.ID, "key").send_keys("tnr_a_" + "0" * 40)
    driver.find_element(By.ID, "key").submit()
    check("Wrong admin key" in driver.page_source and "data-kpi" not in driver.page_source, "a wrong key is refused")
    shot("login-refused")
    driver.get_log("browser")  # the 401 answers above are logged as failed loads; they are expected

    driver.find_element(By.ID, "key").send_keys(admin_key)
    driver.find_element(By.ID, "key").submit()
    wait_for('[data-kpi="expected-loss"]')
    console_errors("/")

    # Overview against the JSON API.
    churn = api("/api/v1/reports/churn")
    month = [row for row in churn["rows"] if not row["incomplete"]][-1]
    value, text = kpi("churn-rate")
    check(value == month["churnRate"], f"churn rate {value} vs API {month['churnRate']}")
    check(text == "%.1f%%" % (month["churnRate"] * 100), f"churn rate shown as {text!r}")
    value, text = kpi("active")
    check(value == month["activeAtEnd"], f"active customers {value} vs API {month['activeAtEnd']}")
    check(text.replace(",", "") == str(month["activeAtEnd"]), f"active customers shown as {text!r}")
    end = time.strftime("%Y-%m-%d", time.gmtime(month["period"]["endDay"] * 86400))
    purchases = api("/api/v1/reports/purchases?through=" + end)
    check(kpi("customers")[0] == purchases["customersEverPurchased"], "customers vs API")
    check(abs(kpi("repeat-rate")[0] - purchases["lifetimeRepeatPurchaseRate"]) < 1e-12, "repeat-purchase rate vs API")
    revenue = next(r["figures"]["revenue"] for r in purchases["rows"] if r["period"]["label"] == month["period"]["label"])
    check(abs(kpi("revenue")[0] - revenue) <= 1e-9 * max(1, revenue), f"revenue vs API {revenue}")
    check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart title")) >= 2, "overview charts have titles")
    shot("overview")

    # Retention, with the toggles.
    for name, query in [("retention", ""), ("retention-weekly-counts", "?unit=week&show=count&cohort=recurring"), ("retention-revenue-plan", "?show=revenue&survival=plan")]:
        driver.get(base + "/retention" + query)
        check(driver.find_elements(By.CSS_SELECTOR, "table.heatmap tbody tr"), f"{name}: heatmap rows")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 2, f"{name}: lifecycle and survival charts")
        console_errors(name)
        shot(name)
    cohorts = api("/api/v1/reports/cohorts")
    driver.get(base + "/retention?show=count")
    first_row = driver.find_elements(By.CSS_SELECTOR, "table.heatmap tbody tr")[-1]
    label = first_row.find_element(By.CSS_SELECTOR, "th").text
    api_cohort = next((c for c in cohorts["cohorts"] if c["period"]["label"] == label), None)
    check(api_cohort is not None and first_row.find_elements(By.CSS_SELECTOR, "td")[0].text.replace(",", "") == str(api_cohort["size"]),
          f"cohort {label} size vs API")

    # Churn: both definitions, and the backtest once trained.
    driver.get(base + "/churn")
    wait_for('[data-metric="auc"]')
    auc = float(driver.find_element(By.CSS_SELECTOR, '[data-metric="auc"]').get_attribute("data-value"))
    check(0.5 < auc <= 1, f"backtest AUC {auc}")
    check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 3, "churn charts")
    console_errors("/churn")
    shot("churn")

    # At risk: same customers as the API, in the same order; sorting and the segment filter work.
    listing = api("/api/v1/at-risk?top=50")
    driver.get(base + "/at-risk")
    wait_for("#at-risk-table")
    users = [row.get_attribute("data-user") for row in driver.find_elements(By.CSS_SELECTOR, "#at-risk-table tbody tr")]
    check(users == [c["userId"] for c in listing["customers"]], "at-risk rows vs API")
    losses = [float(td.get_attribute("data-value")) for td in driver.find_elements(By.CSS_SELECTOR, "#at-risk-table tbody td[data-value]")]
    check(all(abs(a - c["expectedLoss"]) <= 1e-9 * max(1, a) for a, c in zip(losses, listing["customers"])), "expected losses vs API")
    shot("at-risk")
    header = driver.find_elements(By.CSS_SELECTOR, "#at-risk-table thead th button")[3]  # churn risk
    header.click()
    risks = [float(td.get_attribute("data-sort")) for td in driver.find_elements(By.CSS_SELECTOR, "#at-risk-table tbody tr td:nth-child(4)")]
    check(risks == sorted(risks), "sorting by churn risk (ascending)")
    header.click()
    risks = [float(td.get_attribute("data-sort")) for td in driver.find_elements(By.CSS_SELECTOR, "#at-risk-table tbody tr td:nth-child(4)")]
    check(risks == sorted(risks, reverse=True), "sorting by churn risk (descending)")
    driver.get(base + "/at-risk?segment=atRisk&limit=100")
    segments = {td.text for td in driver.find_elements(By.CSS_SELECTOR, "#at-risk-table tbody tr td:nth-child(3)")}
    check(segments <= {"At risk"}, f"segment filter shows only At risk: {segments}")
    console_errors("/at-risk")

    # Segments against the RFM report.
    rfm = api("/api/v1/reports/rfm")
    driver.get(base + "/segments")
    for segment in rfm["segments"]:
        cell = driver.find_element(By.CSS_SELECTOR, f'td[data-segment="{segment["segment"]}"]')
        check(cell.text.replace(",", "") == str(segment["customers"]), f"segment {segment['segment']} count")
    check(len(driver.find_elements(By.CSS_SELECTOR, "table.rfm td")) == 25, "RFM grid is 5 × 5")
    check(driver.find_elements(By.CSS_SELECTOR, "table.movement"), "segment movement table")
    console_errors("/segments")
    shot("segments")

    # Customer search and profile.
    top = listing["customers"][0]["userId"]
    search = driver.find_element(By.ID, "q")
    search.clear()
    search.send_keys(top)
    search.submit()
    # submit() returns before the results page has loaded: on a busy machine the check would read
    # the page the search was typed on.
    WebDriverWait(driver, 30).until(lambda d: "/customers?" in d.current_url and d.execute_script("return document.readyState") == "complete")
    check(driver.find_elements(By.CSS_SELECTOR, f'a[href="/customer?id={urllib.parse.quote(top, safe="")}"]'), "search finds the customer")
    shot("customers")
    driver.get(base + "/customer?id=" + urllib.parse.quote(top, safe=""))
    check("Timeline" in driver.page_source and driver.find_elements(By.CSS_SELECTOR, ".timeline li"), "customer timeline")
    risk = driver.find_element(By.CSS_SELECTOR, ".profile dd[data-value]").get_attribute("data-value")
    check(abs(float(risk) - listing["customers"][0]["churnRisk"]) < 1e-12, "customer's churn risk vs API")
    console_errors("/customer")
    shot("customer")

    # Hostile input in the search box and filters: escaped, answered normally, nothing runs.
    for hostile in ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "' OR 1=1; DROP TABLE customer; --",
                    "x" * 5000, "\u202egnp.exe\u200b 👩‍👩‍👧 ﷽"]:
        search = driver.find_element(By.ID, "q")
        search.clear()
        driver.execute_script("arguments[0].value = arguments[1]", search, hostile)
        search.submit()
        check(not headless_chromium.alert_open(driver), f"an alert ran for {hostile[:40]!r}")
        check(not driver.find_elements(By.CSS_SELECTOR, "main img"), f"no injected image for {hostile[:40]!r}")
        check(driver.find_element(By.ID, "q").get_attribute("value") == hostile[:200], f"search box keeps {hostile[:40]!r} as text")
        console_errors("/customers (hostile)")
    shot("customers-hostile")
    driver.get(base + "/at-risk?segment=%3Cscript%3E&limit=%27%20OR%201%3D1")
    check(driver.find_elements(By.CSS_SELECTOR, "#at-risk-table"), "hostile filters fall back to defaults")
    console_errors("/at-risk (hostile)")
    check(status("/api/v1/summary", {"Authorization": "Bearer " + admin_key})[0] == 200, "the API still answers")

    # A phone: the overview fits 375 pixels without sideways scrolling.
    driver.set_window_size(375, 812)
    driver.get(base + "/")
    wait_for('[data-kpi="churn-rate"]')
    width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return window.innerWidth")
    check(width <= viewport + 1, f"overview is {width}px wide on a {viewport}px screen")
    shot("overview-phone")
    driver.get(base + "/at-risk")
    shot("at-risk-phone")
    console_errors("phone")

    # Sign out: the session no longer works.
    driver.set_window_size(1280, 1000)
    driver.get(base + "/")
    driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
    driver.get(base + "/")
    check("action=\"/login\"" in driver.page_source and "data-kpi" not in driver.page_source, "signed out")
finally:
    driver.quit()

if failures:
    print(f"{len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("dashboard browser checks passed; screenshots in", out_dir)
